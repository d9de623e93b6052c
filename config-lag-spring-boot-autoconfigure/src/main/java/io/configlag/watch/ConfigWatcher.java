package io.configlag.watch;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.configlag.ReloadTrigger;
import io.configlag.WatchStatus;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;
import io.configlag.reload.ConfigReloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Watches the configured paths and triggers reloads: file-system events for speed, and a
 * periodic {@link MetadataScan metadata check} (stat only) as the guarantee for what
 * events miss (a remount, an edit in a kubelet version directory, lost events, a dead
 * watch), which also re-registers changed directories and restarts native watching.
 * Polling mode is the check alone, every {@code poll-interval}. A {@code ..data} swap and
 * an {@code OVERFLOW} are checked at once, other writes after the quiet period; the
 * content read decides whether anything changed.
 * <p>
 * State: the reload thread; the quiet-period deadline and whether the refresh after it is
 * forced; the native watch, if any; the last scan (what the content read last looked
 * like); the status (since, problem, last event, last check).
 *
 * @author The config-lag developers
 */
public final class ConfigWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigWatcher.class);

	private final ConfigReloader reloader;

	private final Consumer<ReloadTrigger> reload;

	private final List<Path> paths;

	private final boolean nativeRequested;

	private final Duration checkInterval;

	private final Duration pollInterval;

	private final Duration quietPeriod;

	private final Callable<WatchService> watchServiceFactory;

	private final Object monitor = new Object();

	private volatile @Nullable ScheduledExecutorService executor;

	private volatile long quietUntil;

	private final AtomicBoolean forced = new AtomicBoolean();

	private volatile @Nullable NativeWatch nativeWatch;

	private @Nullable MetadataScan lastScan;

	private volatile @Nullable Instant since;

	private volatile @Nullable String problem;

	private volatile @Nullable Instant lastEvent;

	private volatile @Nullable Instant lastCheck;

	public ConfigWatcher(ConfigReloader reloader, WatchMode mode, Duration pollInterval, Duration quietPeriod,
			Duration checkInterval, Callable<WatchService> watchServiceFactory) {
		this(reloader, reloader::reload, mode, pollInterval, quietPeriod, checkInterval, watchServiceFactory);
	}

	/**
	 * Create a watcher that hands what it finds to the given reload instead of
	 * {@link ConfigReloader#reload} (the rollout, which may delay or hold back a
	 * version).
	 * @param reloader the reloader, for the paths and the version in effect
	 * @param reload what runs a reload started by watching or checking
	 * @param mode the watch mode
	 * @param pollInterval the time between two checks when polling
	 * @param quietPeriod the quiet period after plain writes
	 * @param checkInterval the time between two checks while events are used
	 * @param watchServiceFactory creates the JDK watch service
	 */
	public ConfigWatcher(ConfigReloader reloader, Consumer<ReloadTrigger> reload, WatchMode mode, Duration pollInterval,
			Duration quietPeriod, Duration checkInterval, Callable<WatchService> watchServiceFactory) {
		this.reloader = reloader;
		this.reload = reload;
		this.paths = reloader.getReader().getPaths().stream().map(WatchedPath::path).toList();
		this.nativeRequested = resolve(mode) == WatchMode.NATIVE;
		this.pollInterval = pollInterval;
		this.quietPeriod = quietPeriod;
		this.checkInterval = checkInterval;
		this.watchServiceFactory = watchServiceFactory;
	}

	/**
	 * Return the state of watching at this moment.
	 * @return the status
	 */
	public WatchStatus getStatus() {
		WatchStatus.Mode mode = !isRunning() ? WatchStatus.Mode.OFF
				: isNative() ? WatchStatus.Mode.NATIVE : WatchStatus.Mode.POLLING;
		return new WatchStatus(mode, isRunning(), this.since, this.problem, this.lastEvent, this.lastCheck);
	}

	/**
	 * Return the mode in use.
	 * @return {@code native} or {@code polling}
	 */
	public WatchMode getMode() {
		return (isRunning() ? isNative() : this.nativeRequested) ? WatchMode.NATIVE : WatchMode.POLLING;
	}

	private boolean isNative() {
		NativeWatch nativeWatch = this.nativeWatch;
		return nativeWatch != null && nativeWatch.isAlive();
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (isRunning()) {
				return;
			}
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "config-lag-reload");
				thread.setDaemon(true);
				return thread;
			});
			this.executor = executor;
			this.since = Instant.now();
			// The first check reloads if anything was written since the initial read
			MetadataScan scan = MetadataScan.of(this.paths);
			this.lastScan = scan.writtenAfter(this.reloader.current().lastWritten()) ? null : scan;
			if (this.nativeRequested) {
				startNative();
			}
			executor.execute(this::check);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor;
		synchronized (this.monitor) {
			closeNative();
			executor = this.executor;
			this.executor = null;
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
		return this.executor != null;
	}

	/**
	 * Resolve {@code auto}: native where the JDK's watch service is native.
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
	 * The periodic check, every {@code check-interval} while native watching runs, every
	 * {@code poll-interval} otherwise.
	 */
	private void check() {
		try {
			if (this.nativeRequested && !isNative()) {
				startNative();
			}
			refresh(ReloadTrigger.POLL, false);
			this.lastCheck = Instant.now();
		}
		finally {
			synchronized (this.monitor) {
				ScheduledExecutorService executor = this.executor;
				if (executor != null) {
					executor.schedule(this::check, interval(), TimeUnit.NANOSECONDS);
				}
			}
		}
	}

	private long interval() {
		return Math.max(1, (isNative() ? this.checkInterval : this.pollInterval).toNanos());
	}

	/*
	 * Scan, bring the watched directories up to date, and reload if forced or if the
	 * metadata changed since the last reload.
	 */
	private void refresh(ReloadTrigger trigger, boolean force) {
		MetadataScan scan = MetadataScan.of(this.paths);
		NativeWatch nativeWatch = this.nativeWatch;
		try {
			if (nativeWatch != null) {
				nativeWatch.sync(scan.directories());
			}
		}
		catch (IOException | RuntimeException ex) {
			fallBack(ex);
		}
		try {
			if (force || scan.differsFrom(this.lastScan)) {
				this.reload.accept(trigger);
				this.lastScan = scan;
			}
		}
		catch (RuntimeException ex) {
			logger.error("Config reload failed", ex);
		}
	}

	/**
	 * Start native watching, or fall back to polling (the next check tries again).
	 */
	private void startNative() {
		synchronized (this.monitor) {
			if (!isRunning()) {
				return;
			}
			if (this.nativeWatch != null) {
				logger.warn("Watching " + this.paths + " with file system events stopped; starting it again");
				closeNative();
			}
			try {
				this.nativeWatch = new NativeWatch(this.watchServiceFactory.call(), this,
						MetadataScan.of(this.paths).directories());
			}
			catch (Exception ex) {
				fallBack(ex);
				return;
			}
			if (this.problem != null) {
				logger.info("Watching " + this.paths + " with file system events again");
				this.problem = null;
				this.since = Instant.now();
			}
		}
	}

	/*
	 * Stop native watching after a failure; the first one since it last worked logs one
	 * WARN with the cause and the fix.
	 */
	private void fallBack(Exception ex) {
		synchronized (this.monitor) {
			closeNative();
			if (this.problem == null) {
				String message = String.valueOf(ex.getMessage());
				String fix = message.contains("inotify instances")
						? "; raise fs.inotify.max_user_instances (sysctl) or the open-file limit"
						: message.contains("inotify watches") ? "; raise fs.inotify.max_user_watches (sysctl)" : "";
				this.problem = "File system events unavailable (" + message + "); checking every "
						+ this.pollInterval.toMillis() + " ms instead until they are available again" + fix;
				this.since = Instant.now();
				logger.warn("Watching " + this.paths + ": " + this.problem);
			}
		}
	}

	private void closeNative() {
		NativeWatch nativeWatch = this.nativeWatch;
		this.nativeWatch = null;
		if (nativeWatch != null) {
			nativeWatch.close();
		}
	}

	/**
	 * React to the events of one directory: a {@code ..data} swap or {@code OVERFLOW} is
	 * checked at once, anything else after the quiet period (the kubelet's own links and
	 * old versions change nothing the check compares); a change in a plain directory
	 * reloads even if its metadata looks unchanged (two writes within one timestamp
	 * tick); hidden names (kubelet bookkeeping, editor files) are ignored.
	 * @param directory the directory
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
			boolean hidden = name.startsWith(".");
			if (event.kind() == StandardWatchEventKinds.OVERFLOW || directory == null
					|| MountedConfigReader.DATA_LINK.equals(name)) {
				now = true;
			}
			else if (!hidden
					&& (MountedConfigReader.isHidden(directory) || MountedConfigReader.isKubeletVolume(directory))) {
				check = true;
			}
			else if (!hidden && isRelevant(directory.resolve(name))) {
				reload = true;
			}
		}
		if (now || reload || check) {
			schedule(reload, now ? 0 : this.quietPeriod.toNanos());
		}
	}

	private boolean isRelevant(Path changed) {
		return this.paths.stream().anyMatch((path) -> changed.startsWith(path) || path.startsWith(changed));
	}

	/*
	 * Refresh at once, or once no event arrived for the quiet period; forced if any event
	 * since the last refresh asked for it.
	 */
	private void schedule(boolean force, long delayNanos) {
		this.forced.compareAndSet(false, force);
		if (delayNanos > 0) {
			this.quietUntil = System.nanoTime() + delayNanos;
		}
		ScheduledExecutorService executor = this.executor;
		try {
			if (executor != null) {
				executor.schedule(() -> {
					if (delayNanos == 0 || System.nanoTime() - this.quietUntil >= 0) {
						refresh(ReloadTrigger.WATCH, this.forced.getAndSet(false));
					}
				}, delayNanos, TimeUnit.NANOSECONDS);
			}
		}
		catch (RejectedExecutionException ex) {
			// Stopping
		}
	}

}
