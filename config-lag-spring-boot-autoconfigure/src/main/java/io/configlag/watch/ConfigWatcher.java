package io.configlag.watch;

import io.configlag.ReloadTrigger;
import io.configlag.WatchStatus;

import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;
import io.configlag.reload.ConfigReloader;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;

import org.springframework.context.SmartLifecycle;

/**
 * Watches the configured paths and triggers reloads. In native mode a
 * {@link WatchService} watches each directory (and the parent of each watched file); the
 * kubelet's atomic {@code ..data} swap triggers a reload at once, other writes are
 * coalesced over a quiet period so that a half-written file is not read. In polling mode
 * the file metadata is compared periodically and files are read only when it changed.
 * Whether anything changed is always decided by the content that was read.
 *
 * @author config-lag
 */
public final class ConfigWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigWatcher.class);

	private final ConfigReloader reloader;

	private final MountedConfigReader reader;

	private final WatchMode requestedMode;

	private final Duration pollInterval;

	private final Duration quietPeriod;

	private final Duration watchdogInterval;

	private final WatchServiceFactory watchServiceFactory;

	private final Object monitor = new Object();

	private volatile WatchMode mode;

	private volatile boolean running;

	private @Nullable ScheduledExecutorService executor;

	private volatile @Nullable NativeWatch nativeWatch;

	private @Nullable ScheduledFuture<?> pending;

	private volatile List<String> lastFingerprint = List.of();

	private volatile @Nullable String problem;

	private volatile boolean nativePreferred;

	private volatile @Nullable Instant lastCheck;

	private volatile @Nullable ScheduledFuture<?> polling;

	public ConfigWatcher(ConfigReloader reloader, WatchMode mode, Duration pollInterval, Duration quietPeriod,
			Duration watchdogInterval) {
		this(reloader, mode, pollInterval, quietPeriod, watchdogInterval,
				() -> FileSystems.getDefault().newWatchService());
	}

	public ConfigWatcher(ConfigReloader reloader, WatchMode mode, Duration pollInterval, Duration quietPeriod,
			Duration watchdogInterval, WatchServiceFactory watchServiceFactory) {
		this.reloader = reloader;
		this.reader = reloader.getReader();
		this.requestedMode = mode;
		this.mode = mode;
		this.pollInterval = pollInterval;
		this.quietPeriod = quietPeriod;
		this.watchdogInterval = watchdogInterval;
		this.watchServiceFactory = watchServiceFactory;
	}

	/**
	 * Return the state of watching, for the endpoint and the health indicator.
	 * @return the status
	 */
	public WatchStatus getStatus() {
		NativeWatch nativeWatch = this.nativeWatch;
		boolean watching = this.running
				&& ((this.mode == WatchMode.POLLING) ? this.polling != null : nativeWatch != null && nativeWatch.isAlive());
		WatchStatus.Mode mode = (this.mode == WatchMode.POLLING) ? WatchStatus.Mode.POLLING : WatchStatus.Mode.NATIVE;
		return new WatchStatus(mode, watching, null, this.problem, null, this.lastCheck);
	}

	/**
	 * Return the mode in use: {@code native} or {@code polling}.
	 * @return the effective mode
	 */
	public WatchMode getMode() {
		return this.mode;
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
			this.lastFingerprint = this.reloader.current().fingerprint();
			WatchMode mode = resolve(this.requestedMode);
			this.nativePreferred = (mode == WatchMode.NATIVE);
			if (mode == WatchMode.NATIVE) {
				try {
					startNative();
				}
				catch (IOException | RuntimeException ex) {
					mode = WatchMode.POLLING;
					this.problem = "Cannot watch with file system events (" + ex + "); polling instead";
					logger.warn("Cannot watch " + paths() + " with file system events (" + ex + "); polling every "
							+ this.pollInterval.toMillis() + " ms instead");
				}
			}
			this.mode = mode;
			if (mode == WatchMode.POLLING) {
				startPolling(executor);
			}
			long watchdog = Math.max(1, this.watchdogInterval.toMillis());
			executor.scheduleWithFixedDelay(this::watchdog, watchdog, watchdog, TimeUnit.MILLISECONDS);
			// Changes between the initial read and now would otherwise go unnoticed
			ReloadTrigger trigger = (mode == WatchMode.NATIVE) ? ReloadTrigger.WATCH : ReloadTrigger.POLL;
			executor.execute(() -> checkFingerprint(trigger));
			this.running = true;
			logger.debug("Watching " + paths() + " (" + mode.name().toLowerCase() + ")");
		}
	}

	@Override
	public void stop() {
		synchronized (this.monitor) {
			this.running = false;
			if (this.nativeWatch != null) {
				this.nativeWatch.close();
				this.nativeWatch = null;
			}
			if (this.executor != null) {
				this.executor.shutdownNow();
				try {
					this.executor.awaitTermination(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.executor = null;
			}
			this.polling = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void startNative() throws IOException {
		NativeWatch nativeWatch = new NativeWatch(this.watchServiceFactory.create());
		try {
			nativeWatch.start();
		}
		catch (IOException | RuntimeException ex) {
			nativeWatch.close();
			throw ex;
		}
		this.nativeWatch = nativeWatch;
	}

	private void startPolling(ScheduledExecutorService executor) {
		long interval = Math.max(1, this.pollInterval.toMillis());
		this.polling = executor.scheduleWithFixedDelay(() -> checkFingerprint(ReloadTrigger.POLL), interval, interval,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Make sure watching has not stopped silently: the native watcher thread is alive and
	 * every directory is registered (re-established, or replaced by polling when it cannot
	 * be), and no change was missed (a metadata check; no file is read unless it changed).
	 */
	void watchdog() {
		try {
			this.lastCheck = Instant.now();
			if (this.mode == WatchMode.POLLING && this.nativePreferred) {
				returnToNative();
			}
			else if (this.mode == WatchMode.NATIVE) {
				NativeWatch nativeWatch = this.nativeWatch;
				if (nativeWatch == null || !nativeWatch.isAlive()) {
					restartNative("the watcher thread stopped");
				}
				else {
					try {
						nativeWatch.register();
					}
					catch (IOException | RuntimeException ex) {
						fallBackToPolling("cannot register the watched directories again: " + ex);
					}
				}
			}
			checkFingerprint(ReloadTrigger.POLL);
		}
		catch (RuntimeException ex) {
			logger.error("Config watchdog failed", ex);
		}
	}

	private void restartNative(String reason) {
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			logger.warn("Restarting config file watching: " + reason);
			if (this.nativeWatch != null) {
				this.nativeWatch.close();
				this.nativeWatch = null;
			}
			try {
				startNative();
				this.problem = null;
			}
			catch (IOException | RuntimeException ex) {
				fallBackToPolling(reason + ", and watching cannot be re-established: " + ex);
			}
		}
	}

	private void returnToNative() {
		synchronized (this.monitor) {
			if (!this.running || this.mode != WatchMode.POLLING) {
				return;
			}
			try {
				startNative();
			}
			catch (IOException | RuntimeException ex) {
				return;
			}
			if (this.polling != null) {
				this.polling.cancel(false);
				this.polling = null;
			}
			this.mode = WatchMode.NATIVE;
			this.problem = null;
			logger.info("Watching " + paths() + " with file system events again");
		}
	}

	private void fallBackToPolling(String reason) {
		synchronized (this.monitor) {
			if (!this.running || this.mode == WatchMode.POLLING || this.executor == null) {
				return;
			}
			this.problem = "File system events unavailable (" + reason + "); polling instead";
			logger.warn("Watching " + paths() + " with file system events stopped (" + reason + "); polling every "
					+ this.pollInterval.toMillis() + " ms instead");
			if (this.nativeWatch != null) {
				NativeWatch nativeWatch = this.nativeWatch;
				this.nativeWatch = null;
				if (Thread.currentThread() != nativeWatch.thread) {
					nativeWatch.close();
				}
				else {
					nativeWatch.closeFromWatcherThread();
				}
			}
			this.mode = WatchMode.POLLING;
			startPolling(this.executor);
		}
	}

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

	private void checkFingerprint(ReloadTrigger trigger) {
		try {
			if (!this.reader.fingerprint().equals(this.lastFingerprint)) {
				this.reloader.reload(trigger);
				this.lastFingerprint = this.reader.lastReadFingerprint();
			}
		}
		catch (RuntimeException ex) {
			logger.error("Config check failed", ex);
		}
	}

	private void reload() {
		try {
			this.reloader.reload(ReloadTrigger.WATCH);
			this.lastFingerprint = this.reader.lastReadFingerprint();
		}
		catch (RuntimeException ex) {
			logger.error("Config reload failed", ex);
		}
	}

	private void reloadNow() {
		synchronized (this.monitor) {
			if (this.executor == null) {
				return;
			}
			if (this.pending != null) {
				this.pending.cancel(false);
				this.pending = null;
			}
			this.executor.execute(this::reload);
		}
	}

	private void reloadAfterQuietPeriod() {
		synchronized (this.monitor) {
			if (this.executor == null) {
				return;
			}
			if (this.pending != null) {
				this.pending.cancel(false);
			}
			this.pending = this.executor.schedule(this::reload, this.quietPeriod.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * React to the events of one watched directory: the kubelet's {@code ..data} swap and
	 * an {@code OVERFLOW} (events were lost) reload at once, with a full re-read; other
	 * relevant changes reload after the quiet period; an invalid key (the directory was
	 * deleted or unmounted) and structural changes re-register the directories.
	 * @param directory the watched directory, {@code null} if unknown
	 * @param events the events
	 * @param keyValid whether the watch key is still valid
	 */
	void onEvents(@Nullable Path directory, List<WatchEvent<?>> events, boolean keyValid) {
		boolean now = false;
		boolean quiet = false;
		boolean reregister = !keyValid;
		for (WatchEvent<?> event : events) {
			if (event.kind() == StandardWatchEventKinds.OVERFLOW || directory == null) {
				now = true;
				reregister = true;
				continue;
			}
			String name = event.context().toString();
			if (MountedConfigReader.DATA_LINK.equals(name)) {
				now = true;
			}
			else if (name.startsWith(".") || MountedConfigReader.isKubeletVolume(directory)) {
				// kubelet bookkeeping (..<timestamp>, ..data_tmp, key symlinks) or hidden
				// editor files
			}
			else if (isRelevant(directory.resolve(name))) {
				quiet = true;
				reregister |= event.kind() != StandardWatchEventKinds.ENTRY_MODIFY;
			}
		}
		quiet |= !keyValid;
		NativeWatch nativeWatch = this.nativeWatch;
		if (reregister && nativeWatch != null && this.running) {
			try {
				quiet |= nativeWatch.register();
			}
			catch (ClosedWatchServiceException ex) {
				// Stopping
			}
			catch (IOException | RuntimeException ex) {
				fallBackToPolling("cannot watch the directories again: " + ex);
			}
		}
		if (now) {
			reloadNow();
		}
		else if (quiet) {
			reloadAfterQuietPeriod();
		}
	}

	private boolean isRelevant(Path changed) {
		for (WatchedPath watched : this.reader.getPaths()) {
			Path path = watched.path();
			if (changed.equals(path) || changed.startsWith(path) || path.startsWith(changed)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Creates the {@link WatchService}.
	 */
	@FunctionalInterface
	interface WatchServiceFactory {

		WatchService create() throws IOException;

	}


	private List<Path> paths() {
		return this.reader.getPaths().stream().map(WatchedPath::path).toList();
	}

	/**
	 * A {@link WatchService} with its thread.
	 */
	private final class NativeWatch implements Runnable {

		private final WatchService service;

		private final Map<WatchKey, Path> keys = new ConcurrentHashMap<>();

		private final Thread thread;

		private volatile boolean open = true;

		NativeWatch(WatchService service) {
			this.service = service;
			this.thread = new Thread(this, "config-lag-watcher");
			this.thread.setDaemon(true);
		}

		boolean isAlive() {
			return this.open && this.thread.isAlive();
		}

		void closeFromWatcherThread() {
			this.open = false;
			try {
				this.service.close();
			}
			catch (IOException ex) {
				// Ignore
			}
		}

		void start() throws IOException {
			register();
			this.thread.start();
		}

		void close() {
			this.open = false;
			try {
				this.service.close();
			}
			catch (IOException ex) {
				// Ignore
			}
			this.thread.interrupt();
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void run() {
			while (this.open) {
				WatchKey key;
				try {
					key = this.service.take();
				}
				catch (InterruptedException | ClosedWatchServiceException ex) {
					if (this.open && ConfigWatcher.this.running) {
						logger.warn("Config watch service closed unexpectedly; the watchdog re-establishes it");
					}
					return;
				}
				try {
					handle(key);
				}
				catch (ClosedWatchServiceException ex) {
					// Closed while handling events: stopping, or the watchdog takes over
					return;
				}
				catch (RuntimeException ex) {
					logger.error("Failed to handle file system events", ex);
				}
			}
		}

		private void handle(WatchKey key) {
			Path directory = this.keys.get(key);
			List<WatchEvent<?>> events = key.pollEvents();
			boolean valid = key.reset();
			if (!valid) {
				this.keys.remove(key);
			}
			onEvents(directory, events, valid);
		}

		/**
		 * Register every directory to watch. A directory can appear or disappear while
		 * this runs (a volume deleted and recreated at once): then the set is computed
		 * and registered again, and the caller must read the paths, because events in
		 * between may have been missed.
		 * @return whether the directories changed while they were registered
		 * @throws IOException if an existing directory cannot be watched
		 */
		synchronized boolean register() throws IOException {
			this.keys.entrySet().removeIf((entry) -> !entry.getKey().isValid());
			for (int attempt = 0; attempt < 5; attempt++) {
				Set<Path> directories = directories();
				registerExactly(directories);
				if (directories().equals(directories)) {
					return attempt > 0;
				}
			}
			return true;
		}

		private void registerExactly(Set<Path> directories) throws IOException {
			Set<Path> registered = new HashSet<>(this.keys.values());
			for (Path directory : directories) {
				if (!registered.contains(directory)) {
					try {
						WatchKey key = directory.register(this.service, StandardWatchEventKinds.ENTRY_CREATE,
								StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
						this.keys.put(key, directory);
					}
					catch (IOException ex) {
						if (Files.isDirectory(directory)) {
							throw ex;
						}
					}
				}
			}
			this.keys.entrySet().removeIf((entry) -> {
				if (!directories.contains(entry.getValue()) || !entry.getKey().isValid()) {
					entry.getKey().cancel();
					return true;
				}
				return false;
			});
		}


		private Set<Path> directories() throws IOException {
			Set<Path> directories = new LinkedHashSet<>();
			for (WatchedPath watched : ConfigWatcher.this.reader.getPaths()) {
				Path path = watched.path();
				if (Files.isDirectory(path) && addDirectory(path, directories)) {
					continue;
				}
				// A file, or a missing path: watch the nearest existing directory
				Path existing = path.getParent();
				while (existing != null && !Files.isDirectory(existing)) {
					existing = existing.getParent();
				}
				if (existing != null) {
					directories.add(existing);
				}
			}
			return directories;
		}

		/**
		 * Add a watched directory and, unless it is a kubelet volume, its subdirectories.
		 * @return {@code false} if the directory disappeared meanwhile (it is being
		 * deleted): it is then watched like a missing path
		 */
		private boolean addDirectory(Path path, Set<Path> directories) throws IOException {
			Set<Path> found = new LinkedHashSet<>();
			found.add(path);
			try {
				if (!MountedConfigReader.isKubeletVolume(path)) {
					addSubdirectories(path, found);
				}
			}
			catch (IOException ex) {
				if (!Files.isDirectory(path)) {
					return false;
				}
				throw ex;
			}
			directories.addAll(found);
			return true;
		}

		/**
		 * Add the subdirectories of a directory that is not a kubelet volume, except hidden
		 * ones. An entry that disappears while it is listed (a volume being written or
		 * deleted right now) is skipped: {@link #register()} lists again until two listings
		 * agree.
		 */
		private void addSubdirectories(Path root, Set<Path> directories) throws IOException {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
					if (directory.equals(root)) {
						return FileVisitResult.CONTINUE;
					}
					if (MountedConfigReader.isHidden(directory)) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					directories.add(directory);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
					// A link to a directory is watched (its target is), not walked
					if (attributes.isSymbolicLink() && !MountedConfigReader.isHidden(file)
							&& Files.isDirectory(file)) {
						directories.add(file);
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path directory, @Nullable IOException ex) throws IOException {
					if (ex != null && !(ex instanceof NoSuchFileException)) {
						throw ex;
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}


	}

}
