package io.configlag.watch;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WatchService}, the thread that takes its events, and the directories
 * registered with it. Like Boot's {@code FileWatcher} (in
 * {@code org.springframework.boot.autoconfigure.ssl}), the directory of an event is the
 * key's {@link WatchKey#watchable() watchable}; unlike it, the set of directories is
 * brought up to date at every metadata check, so that a directory that was replaced or
 * mounted over (a new file key) is watched again and a kubelet volume's new version
 * directory is watched after each swap.
 * <p>
 * State: the service, its thread, whether it is open, and for each registered directory
 * its key and the file key (device and inode) it had when it was registered.
 *
 * @author config-lag
 */
final class NativeWatch {

	private static final Log logger = LogFactory.getLog(NativeWatch.class);

	private final WatchService service;

	private final Listener listener;

	private final Thread thread;

	private final Map<Path, Registration> registered = new HashMap<>();

	private volatile boolean open = true;

	NativeWatch(WatchService service, Listener listener) {
		this.service = service;
		this.listener = listener;
		this.thread = new Thread(this::run, "config-lag-watcher");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	boolean isAlive() {
		return this.open && this.thread.isAlive();
	}

	/**
	 * Watch exactly the given directories: register those not registered yet, register
	 * again those whose file key changed or whose key was invalidated, cancel the others.
	 * A directory that disappears meanwhile is skipped (the next check sees what
	 * replaced it).
	 * @param directories the directories with their file keys
	 * @throws IOException if an existing directory cannot be watched
	 */
	synchronized void sync(Map<Path, @Nullable Object> directories) throws IOException {
		Iterator<Map.Entry<Path, Registration>> registrations = this.registered.entrySet().iterator();
		while (registrations.hasNext()) {
			Map.Entry<Path, Registration> entry = registrations.next();
			Registration registration = entry.getValue();
			if (!directories.containsKey(entry.getKey()) || !registration.key().isValid()
					|| !Objects.equals(registration.fileKey(), directories.get(entry.getKey()))) {
				registration.key().cancel();
				registrations.remove();
			}
		}
		for (Map.Entry<Path, @Nullable Object> entry : directories.entrySet()) {
			Path directory = entry.getKey();
			if (!this.registered.containsKey(directory)) {
				try {
					WatchKey key = directory.register(this.service, StandardWatchEventKinds.ENTRY_CREATE,
							StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
					this.registered.put(directory, new Registration(key, entry.getValue()));
				}
				catch (NoSuchFileException | NotDirectoryException ex) {
					// Replaced while it was scanned
				}
			}
		}
	}

	/**
	 * Close the service; its thread ends when it sees the service closed.
	 */
	void close() {
		this.open = false;
		try {
			this.service.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

	private void run() {
		while (this.open) {
			WatchKey key;
			try {
				key = this.service.take();
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				if (this.open) {
					logger.warn("The config watch service closed unexpectedly; the next check starts a new one");
				}
				return;
			}
			List<WatchEvent<?>> events = key.pollEvents();
			boolean valid = key.reset();
			try {
				this.listener.onEvents((Path) key.watchable(), events, valid);
			}
			catch (RuntimeException ex) {
				logger.error("Failed to handle file system events", ex);
			}
		}
	}

	/**
	 * Receives the events of one watched directory.
	 */
	@FunctionalInterface
	interface Listener {

		void onEvents(@Nullable Path directory, List<WatchEvent<?>> events, boolean keyValid);

	}

	private record Registration(WatchKey key, @Nullable Object fileKey) {

	}

}
