package io.configlag.watch;

import io.configlag.ReloadTrigger;
import io.configlag.WatchStatus;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;
import io.configlag.reload.ConfigReloader;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Watches the configured paths and triggers reloads. One model: file-system events
 * ({@link WatchService}) for speed, and a periodic {@link MetadataScan metadata check}
 * (no file is read) as the guarantee that covers whatever events miss: a remount, an edit
 * inside a kubelet version directory, lost events, a dead watch. The check also brings
 * the watched directories up to date (a directory with a new file key is watched again,
 * the new version directory after a kubelet swap) and starts native watching again when
 * it stopped or was unavailable. Polling mode is the same check alone, every
 * {@code poll-interval}. The kubelet's {@code ..data} swap and an {@code OVERFLOW} reload
 * at once; other writes are coalesced over the quiet period so that a half-written file
 * is not read. Whether anything changed is decided by the content that the reload reads.
 * <p>
 * State: the reload thread and the pending quiet-period reload; the native watch, if
 * any; the last scan (what the content read last looked like); and the status (since,
 * problem, last event, last check). Scans, registrations and reloads all run on the
 * reload thread.
 *
 * @author config-lag
 */
public final class ConfigWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigWatcher.class);

	private final ConfigReloader reloader;

	private final List<WatchedPath> paths;

	private final boolean nativeRequested;

	private final Duration checkInterval;

	private final Duration pollInterval;

	private final Duration quietPeriod;

	private final WatchServiceFactory watchServiceFactory;

	private final Object monitor = new Object();

	private volatile boolean running;

	private @Nullable ScheduledExecutorService executor;

	private @Nullable ScheduledFuture<?> pending;

	private boolean pendingForced;

	private volatile @Nullable NativeWatch nativeWatch;

	private @Nullable MetadataScan lastScan;

	private volatile @Nullable Instant since;

	private volatile @Nullable String problem;

	private volatile @Nullable Instant lastEvent;

	private volatile @Nullable Instant lastCheck;

	public ConfigWatcher(ConfigReloader reloader, WatchMode mode, Duration pollInterval, Duration quietPeriod,
			Duration checkInterval) {
		this(reloader, mode, pollInterval, quietPeriod, checkInterval,
				() -> FileSystems.getDefault().newWatchService());
	}

	public ConfigWatcher(ConfigReloader reloader, WatchMode mode, Duration pollInterval, Duration quietPeriod,
			Duration checkInterval, WatchServiceFactory watchServiceFactory) {
		this.reloader = reloader;
		this.paths = reloader.getReader().getPaths();
		this.nativeRequested = resolve(mode) == WatchMode.NATIVE;
		this.pollInterval = pollInterval;
		this.quietPeriod = quietPeriod;
		this.checkInterval = checkInterval;
		this.watchServiceFactory = watchServiceFactory;
	}

	/**
	 * Return the state of watching at this moment, for the endpoint and the health
	 * indicator.
	 * @return the status
	 */
	public WatchStatus getStatus() {
		if (!this.running) {
			return new WatchStatus(WatchStatus.Mode.OFF, false, this.since, this.problem, this.lastEvent,
					this.lastCheck);
		}
		WatchStatus.Mode mode = isNative() ? WatchStatus.Mode.NATIVE : WatchStatus.Mode.POLLING;
		return new WatchStatus(mode, true, this.since, this.problem, this.lastEvent, this.lastCheck);
	}

	/**
	 * Return the mode in use: {@code native} or {@code polling}.
	 * @return the effective mode
	 */
	public WatchMode getMode() {
		return (this.running ? isNative() : this.nativeRequested) ? WatchMode.NATIVE : WatchMode.POLLING;
	}

	private boolean isNative() {
		NativeWatch nativeWatch = this.nativeWatch;
		return nativeWatch != null && nativeWatch.isAlive();
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "config-lag-reload");
				thread.setDaemon(true);
				return thread;
			});
			this.executor = executor;
			this.running = true;
			this.since = Instant.now();
			MetadataScan scan = MetadataScan.of(this.paths);
			this.lastScan = scan;
			if (this.nativeRequested) {
				startNative();
			}
			// A write between the initial read and now would otherwise go unnoticed
			boolean missed = scan.writtenAfter(this.reloader.current().lastWritten());
			executor.execute(() -> refresh(ReloadTrigger.POLL, missed));
			executor.schedule(this::check, interval(), TimeUnit.NANOSECONDS);
			logger.debug("Watching " + paths() + " (" + getMode().name().toLowerCase(Locale.ROOT) + ")");
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor;
		synchronized (this.monitor) {
			this.running = false;
			closeNative();
			executor = this.executor;
			this.executor = null;
			this.pending = null;
		}
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Resolve {@code auto} to the mode to use: native where the JDK's watch service is
	 * native.
	 * @param mode the configured mode
	 * @return {@code native} or {@code polling}
	 */
	public static WatchMode resolve(WatchMode mode) {
		if (mode != WatchMode.AUTO) {
			return mode;
		}
		try (WatchService service = FileSystems.getDefault().newWatchService()) {
			return service.getClass().getName().contains("Polling") ? WatchMode.POLLING : WatchMode.NATIVE;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return WatchMode.POLLING;
		}
	}

	/**
	 * The periodic check: start native watching if it is wanted and not running, then
	 * scan and reload if the metadata changed; every {@code check-interval} while native
	 * watching runs, every {@code poll-interval} otherwise.
	 */
	private void check() {
		try {
			this.lastCheck = Instant.now();
			if (this.nativeRequested && !isNative()) {
				startNative();
			}
			refresh(ReloadTrigger.POLL, false);
		}
		finally {
			synchronized (this.monitor) {
				if (this.running && this.executor != null) {
					this.executor.schedule(this::check, interval(), TimeUnit.NANOSECONDS);
				}
			}
		}
	}

	private long interval() {
		return Math.max(1, (isNative() ? this.checkInterval : this.pollInterval).toNanos());
	}

	/**
	 * Scan the paths, bring the watched directories up to date and reload if the
	 * metadata changed since the last reload or if the reload is forced.
	 */
	private void refresh(ReloadTrigger trigger, boolean force) {
		try {
			MetadataScan scan = MetadataScan.of(this.paths);
			NativeWatch nativeWatch = this.nativeWatch;
			if (nativeWatch != null) {
				try {
					nativeWatch.sync(scan.directories());
				}
				catch (IOException | RuntimeException ex) {
					fallBack(ex);
				}
			}
			if (force || scan.differsFrom(this.lastScan)) {
				this.reloader.reload(trigger);
				this.lastScan = scan;
			}
		}
		catch (RuntimeException ex) {
			logger.error("Config check failed", ex);
		}
	}

	/**
	 * Start native watching. On failure, fall back to polling (the next checks try
	 * again); on success after a fallback, say so.
	 */
	private void startNative() {
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			if (this.nativeWatch != null) {
				logger.warn("Watching " + paths() + " with file system events stopped; starting it again");
				closeNative();
			}
			NativeWatch nativeWatch = null;
			try {
				nativeWatch = new NativeWatch(this.watchServiceFactory.create(), this::onEvents);
				nativeWatch.sync(MetadataScan.of(this.paths).directories());
				nativeWatch.start();
			}
			catch (IOException | RuntimeException ex) {
				if (nativeWatch != null) {
					nativeWatch.close();
				}
				fallBack(ex);
				return;
			}
			this.nativeWatch = nativeWatch;
			if (this.problem != null) {
				logger.info("Watching " + paths() + " with file system events again");
				this.problem = null;
				this.since = Instant.now();
			}
		}
	}

	/**
	 * Stop native watching after a failure; the first failure since native watching last
	 * worked logs one WARN with the cause and its fix.
	 */
	private void fallBack(Exception ex) {
		synchronized (this.monitor) {
			closeNative();
			if (this.problem == null) {
				this.problem = "File system events unavailable (" + ex.getMessage() + "); checking every "
						+ this.pollInterval.toMillis() + " ms instead until they are available again" + fix(ex);
				this.since = Instant.now();
				logger.warn("Watching " + paths() + ": " + this.problem);
			}
		}
	}

	private static String fix(Exception ex) {
		String message = String.valueOf(ex.getMessage());
		if (message.contains("inotify instances")) {
			return "; raise fs.inotify.max_user_instances (sysctl) or the open-file limit";
		}
		if (message.contains("inotify watches")) {
			return "; raise fs.inotify.max_user_watches (sysctl)";
		}
		return "";
	}

	private void closeNative() {
		NativeWatch nativeWatch = this.nativeWatch;
		this.nativeWatch = null;
		if (nativeWatch != null) {
			nativeWatch.close();
		}
	}

	/**
	 * React to the events of one watched directory: the kubelet's {@code ..data} swap and
	 * an {@code OVERFLOW} (events were lost) reload at once; a change in a watched
	 * directory reloads after the quiet period; a change in a kubelet version directory or
	 * in the visible entries of a kubelet volume (a key link, or a file put in its place)
	 * and an invalidated key are checked after the quiet period (the kubelet's own links,
	 * and its removal of the old version, change no metadata that the check compares);
	 * hidden names are ignored.
	 * @param directory the watched directory, {@code null} if unknown
	 * @param events the events
	 * @param keyValid whether the watch key is still valid
	 */
	void onEvents(@Nullable Path directory, List<WatchEvent<?>> events, boolean keyValid) {
		this.lastEvent = Instant.now();
		boolean now = false;
		boolean reload = false;
		boolean check = !keyValid;
		for (WatchEvent<?> event : events) {
			String name = (event.context() != null) ? event.context().toString() : "";
			if (event.kind() == StandardWatchEventKinds.OVERFLOW || directory == null
					|| MountedConfigReader.DATA_LINK.equals(name)) {
				now = true;
			}
			else if (name.startsWith(".")) {
				// kubelet bookkeeping (..<timestamp>, ..data_tmp) or a hidden editor file
			}
			else if (MountedConfigReader.isHidden(directory) || MountedConfigReader.isKubeletVolume(directory)) {
				check = true;
			}
			else if (isRelevant(directory.resolve(name))) {
				reload = true;
			}
		}
		if (now || reload || check) {
			schedule(now || reload, now ? 0 : this.quietPeriod.toNanos());
		}
	}

	private boolean isRelevant(Path changed) {
		for (WatchedPath watched : this.paths) {
			Path path = watched.path();
			if (changed.startsWith(path) || path.startsWith(changed)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Schedule a refresh, replacing the pending one (a forced refresh stays forced).
	 */
	private void schedule(boolean force, long delayNanos) {
		synchronized (this.monitor) {
			if (this.executor == null) {
				return;
			}
			if (this.pending != null) {
				this.pending.cancel(false);
			}
			this.pendingForced |= force;
			this.pending = this.executor.schedule(() -> {
				boolean forced;
				synchronized (this.monitor) {
					forced = this.pendingForced;
					this.pendingForced = false;
					this.pending = null;
				}
				refresh(ReloadTrigger.WATCH, forced);
			}, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	private List<Path> paths() {
		return this.paths.stream().map(WatchedPath::path).toList();
	}

	/**
	 * Creates the {@link WatchService}.
	 */
	@FunctionalInterface
	interface WatchServiceFactory {

		WatchService create() throws IOException;

	}

}
