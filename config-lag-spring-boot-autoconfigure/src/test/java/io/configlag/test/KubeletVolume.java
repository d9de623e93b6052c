package io.configlag.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.springframework.util.FileSystemUtils;

/**
 * A ConfigMap or Secret volume written the way the kubelet's atomic writer
 * ({@code pkg/volume/util/atomic_writer.go}) writes it. Each version is a timestamped
 * directory {@code ..2026_11_24_13_19_54.3829472}; {@code ..data} links to the current
 * one; each user-visible key is a symlink {@code key -> ..data/key}. An update:
 * <ol>
 * <li>returns without writing anything when the payload is unchanged (the periodic
 * re-sync), only making sure the user-visible links exist;</li>
 * <li>creates a new timestamped directory and sets its mode to 0755;</li>
 * <li>writes every file of the payload into it, with the volume's file mode;</li>
 * <li>links {@code ..data_tmp} to the new directory;</li>
 * <li>renames {@code ..data_tmp} over {@code ..data} (the atomic step);</li>
 * <li>creates the user-visible symlinks of new keys;</li>
 * <li>removes the user-visible symlinks of removed keys;</li>
 * <li>removes the old timestamped directory.</li>
 * </ol>
 * On Linux a {@code WatchService} on the volume sees exactly
 * {@code ENTRY_CREATE ..<new>}, {@code ENTRY_MODIFY ..<new>},
 * {@code ENTRY_CREATE ..data_tmp}, {@code ENTRY_DELETE ..data_tmp},
 * {@code ENTRY_CREATE ..data}, then the key symlinks and {@code ENTRY_DELETE ..<old>}.
 */
public final class KubeletVolume {

	public static final String DATA_DIR_NAME = "..data";

	public static final String DATA_DIR_TMP_NAME = "..data_tmp";

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss'.'");

	private final Path directory;

	private final Set<PosixFilePermission> fileMode;

	private Map<String, byte[]> payload = new LinkedHashMap<>();

	private KubeletVolume(Path directory, Set<PosixFilePermission> fileMode) {
		this.directory = directory;
		this.fileMode = fileMode;
	}

	/**
	 * A ConfigMap volume ({@code defaultMode: 0644}) at the given mount point.
	 * @param directory the mount point, created if needed
	 * @return the volume, empty until the first {@link #write}
	 */
	public static KubeletVolume configMap(Path directory) {
		return new KubeletVolume(createDirectories(directory), PosixFilePermissions.fromString("rw-r--r--"));
	}

	/**
	 * A Secret volume with {@code defaultMode: 0400}.
	 * @param directory the mount point, created if needed
	 * @return the volume, empty until the first {@link #write}
	 */
	public static KubeletVolume secret(Path directory) {
		return new KubeletVolume(createDirectories(directory), PosixFilePermissions.fromString("r--------"));
	}

	public Path directory() {
		return this.directory;
	}

	public Path path(String key) {
		return this.directory.resolve(key);
	}

	/**
	 * Write the given payload (the whole ConfigMap data, key to content) atomically.
	 * @param payload the new payload
	 * @return this volume
	 */
	public KubeletVolume write(Map<String, String> payload) {
		Map<String, byte[]> bytes = new LinkedHashMap<>();
		payload.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
		return writeBytes(bytes, false);
	}

	/**
	 * Change or add one key and write the payload atomically.
	 * @param key the key (file name)
	 * @param content the new content
	 * @return this volume
	 */
	public KubeletVolume update(String key, String content) {
		return update(key, content.getBytes(StandardCharsets.UTF_8));
	}

	public KubeletVolume update(String key, byte[] content) {
		Map<String, byte[]> next = new LinkedHashMap<>(this.payload);
		next.put(key, content);
		return writeBytes(next, false);
	}

	/**
	 * Remove one key and write the payload atomically.
	 * @param key the key
	 * @return this volume
	 */
	public KubeletVolume remove(String key) {
		Map<String, byte[]> next = new LinkedHashMap<>(this.payload);
		next.remove(key);
		return writeBytes(next, false);
	}

	/**
	 * The kubelet's periodic re-sync with an unchanged payload: nothing is written.
	 * @return this volume
	 */
	public KubeletVolume resync() {
		return writeBytes(this.payload, false);
	}

	/**
	 * A full atomic swap to a new timestamped directory with identical content (what a
	 * kubelet restart or a projected volume refresh can do): every event of an update
	 * fires, but the content is the same.
	 * @return this volume
	 */
	public KubeletVolume rewriteUnchanged() {
		return writeBytes(this.payload, true);
	}

	/**
	 * Return the name of the timestamped directory {@code ..data} links to.
	 * @return the directory name or {@code null} before the first write
	 */
	public String currentVersionDirectory() {
		Path data = this.directory.resolve(DATA_DIR_NAME);
		try {
			return Files.isSymbolicLink(data) ? Files.readSymbolicLink(data).toString() : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private synchronized KubeletVolume writeBytes(Map<String, byte[]> next, boolean force) {
		try {
			// 1. The old version and the user-visible paths that go away
			String oldTsDir = currentVersionDirectory();
			Set<String> pathsToRemove = new LinkedHashSet<>();
			for (String key : this.payload.keySet()) {
				pathsToRemove.add(firstElement(key));
			}
			for (String key : next.keySet()) {
				pathsToRemove.remove(firstElement(key));
			}
			// 2. Nothing changed: only make sure the user-visible links exist
			if (!force && oldTsDir != null && samePayload(next)) {
				createUserVisibleFiles(next);
				return this;
			}
			// 3. New timestamped directory, mode 0755
			Path tsDir = newTimestampDir();
			// 4. The payload, with the volume's file mode
			for (Map.Entry<String, byte[]> entry : next.entrySet()) {
				Path file = tsDir.resolve(entry.getKey());
				Files.createDirectories(file.getParent());
				Files.write(file, entry.getValue());
				Files.setPosixFilePermissions(file, this.fileMode);
			}
			// 5. ..data_tmp -> new directory
			Path dataTmp = this.directory.resolve(DATA_DIR_TMP_NAME);
			Files.createSymbolicLink(dataTmp, tsDir.getFileName());
			// 6. rename(..data_tmp, ..data): the atomic step
			Files.move(dataTmp, this.directory.resolve(DATA_DIR_NAME), StandardCopyOption.ATOMIC_MOVE);
			// 7. User-visible symlinks of new keys
			createUserVisibleFiles(next);
			// 8. Remove user-visible paths of removed keys
			for (String path : pathsToRemove) {
				Files.deleteIfExists(this.directory.resolve(path));
			}
			// 9. Remove the old version
			if (oldTsDir != null) {
				FileSystemUtils.deleteRecursively(this.directory.resolve(oldTsDir));
			}
			this.payload = new LinkedHashMap<>(next);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private boolean samePayload(Map<String, byte[]> next) {
		if (!next.keySet().equals(this.payload.keySet())) {
			return false;
		}
		for (Map.Entry<String, byte[]> entry : next.entrySet()) {
			if (!java.util.Arrays.equals(entry.getValue(), this.payload.get(entry.getKey()))) {
				return false;
			}
		}
		return true;
	}

	private Path newTimestampDir() throws IOException {
		String prefix = ZonedDateTime.now(ZoneOffset.UTC).format(TIMESTAMP);
		for (;;) {
			Path candidate = this.directory
				.resolve(prefix + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt()));
			if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
				Files.createDirectory(candidate);
				Files.setPosixFilePermissions(candidate, PosixFilePermissions.fromString("rwxr-xr-x"));
				return candidate;
			}
		}
	}

	private void createUserVisibleFiles(Map<String, byte[]> next) throws IOException {
		for (String key : next.keySet()) {
			String visible = firstElement(key);
			Path link = this.directory.resolve(visible);
			if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
				Files.createSymbolicLink(link, Path.of(DATA_DIR_NAME).resolve(visible));
			}
		}
	}

	private static String firstElement(String key) {
		int slash = key.indexOf('/');
		return (slash != -1) ? key.substring(0, slash) : key;
	}

	/**
	 * Remove the whole volume, as when the pod's volume is torn down.
	 */
	public void delete() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.delete(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			this.payload = new LinkedHashMap<>();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path createDirectories(Path directory) {
		try {
			return Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
