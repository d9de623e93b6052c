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
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WatchService}, its thread, and the directories registered with it; as in
 * Boot's {@code FileWatcher} an event's directory is its key's watchable, but the
 * directories are brought up to date at every metadata check.
 * <p>
 * State: the service, its thread, whether it is open, and each registered directory's key
 * and file key (device and inode) at registration.
 *
 * @author The config-lag developers
 */
final class NativeWatch {

	private static final Log logger = LogFactory.getLog(NativeWatch.class);

	private final WatchService service;

	private final ConfigWatcher listener;

	private final Thread thread;

	private final Map<Path, Registration> registered = new HashMap<>();

	private volatile boolean open = true;

	/**
	 * Register the directories and start taking events; on failure the service is closed.
	 * @param service the service
	 * @param listener the listener
	 * @param directories the directories
	 */
	NativeWatch(WatchService service, ConfigWatcher listener, Map<Path, @Nullable Object> directories)
			throws IOException {
		this.service = service;
		this.listener = listener;
		this.thread = new Thread(this::run, "config-lag-watcher");
		this.thread.setDaemon(true);
		try {
			sync(directories);
		}
		catch (IOException | RuntimeException ex) {
			close();
			throw ex;
		}
		this.thread.start();
	}

	boolean isAlive() {
		return this.open && this.thread.isAlive();
	}

	/**
	 * Watch exactly the given directories (path to file key): a directory replaced or
	 * mounted over (a new file key) or whose key was invalidated is registered again.
	 * @param directories the directories to watch, each with its file key
	 * @throws IOException if an existing directory cannot be watched
	 */
	synchronized void sync(Map<Path, @Nullable Object> directories) throws IOException {
		this.registered.entrySet().removeIf((entry) -> {
			WatchKey key = entry.getValue().key();
			boolean stale = !key.isValid() || !directories.containsKey(entry.getKey())
					|| !Objects.equals(entry.getValue().fileKey(), directories.get(entry.getKey()));
			if (stale) {
				key.cancel();
			}
			return stale;
		});
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

	private record Registration(WatchKey key, @Nullable Object fileKey) {

	}

}
