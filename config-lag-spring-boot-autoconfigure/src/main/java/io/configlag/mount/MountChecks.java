package io.configlag.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the Kubernetes mount pitfalls that silently stop updates from reaching a pod: a
 * file mounted with {@code subPath} (a bind mount of one file that the kubelet never
 * updates, detected from {@code /proc/self/mountinfo}) and watched paths that are not in
 * a kubelet atomic volume (fine, but their updates may be non-atomic).
 *
 * @author The config-lag developers
 */
public final class MountChecks {

	/**
	 * Where Linux describes the mounts of the current process.
	 */
	public static final Path MOUNT_INFO = Path.of("/proc/self/mountinfo");

	private MountChecks() {
	}

	/**
	 * Check the given paths.
	 * @param paths the watched paths
	 * @param mountInfo the mountinfo file to read ({@code /proc/self/mountinfo}); ignored
	 * when it does not exist
	 * @return one message per pitfall found
	 */
	public static List<String> check(List<WatchedPath> paths, Path mountInfo) {
		Map<Path, String> mounts = readMounts(mountInfo);
		List<String> problems = new ArrayList<>();
		for (WatchedPath watched : paths) {
			Path path = watched.path();
			if (!Files.exists(path)) {
				continue;
			}
			boolean directory = Files.isDirectory(path);
			Path volume = directory ? path : path.getParent();
			boolean kubelet = volume != null && MountedConfigReader.isKubeletVolume(volume);
			String mountRoot = mounts.get(path);
			if (!directory && mountRoot != null) {
				problems.add("'" + path + "' is a single-file mount (Kubernetes subPath): the kubelet never updates"
						+ " it. Mount the whole volume (without subPath) and point config.lag.paths at the mounted"
						+ " directory or at the file inside it.");
			}
			else if (directory && mountRoot != null && mountRoot.contains("/volume-subpaths/")) {
				problems.add("'" + path + "' is mounted with subPath: the kubelet never updates it. Mount the whole"
						+ " volume without subPath.");
			}
			else if (!kubelet) {
				problems.add("'" + path + "' is not inside a Kubernetes atomic volume (no ..data link): changes are"
						+ " read after config.lag.watch.quiet-period and a writer that is not atomic can expose a"
						+ " partly written file.");
			}
		}
		return problems;
	}

	/**
	 * Describe what each path is now ({@code missing}, {@code kubelet-volume},
	 * {@code directory}, {@code kubelet-file} or {@code file}), with {@code stat} only:
	 * when this changes, the checks must run again.
	 * @param paths the watched paths
	 * @return the kind of each path
	 */
	public static List<String> kinds(List<WatchedPath> paths) {
		List<String> kinds = new ArrayList<>(paths.size());
		for (WatchedPath watched : paths) {
			Path path = watched.path();
			Path parent = path.getParent();
			if (!Files.exists(path)) {
				kinds.add("missing");
			}
			else if (Files.isDirectory(path)) {
				kinds.add(MountedConfigReader.isKubeletVolume(path) ? "kubelet-volume" : "directory");
			}
			else {
				kinds.add((parent != null && MountedConfigReader.isKubeletVolume(parent)) ? "kubelet-file" : "file");
			}
		}
		return kinds;
	}

	/*
	 * Read mount points and the root they mount, from the mountinfo format: {@code id
	 * parent major:minor root mount-point options ... - type source options}.
	 */
	private static Map<Path, String> readMounts(Path mountInfo) {
		Map<Path, String> mounts = new HashMap<>();
		if (!Files.isReadable(mountInfo)) {
			return mounts;
		}
		try {
			for (String line : Files.readAllLines(mountInfo)) {
				String[] fields = line.split(" ");
				if (fields.length > 4) {
					mounts.put(Path.of(unescape(fields[4])), unescape(fields[3]));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not available: nothing to report
		}
		return mounts;
	}

	/**
	 * Undo the octal escapes mountinfo uses for space, tab, newline and backslash.
	 * @param field a field of /proc/self/mountinfo
	 * @return the field with its octal escapes decoded
	 */
	static String unescape(String field) {
		if (field.indexOf('\\') == -1) {
			return field;
		}
		StringBuilder result = new StringBuilder(field.length());
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			if (c == '\\' && i + 3 < field.length()
					&& field.substring(i + 1, i + 4).chars().allMatch((d) -> d >= '0' && d <= '7')) {
				result.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				result.append(c);
			}
		}
		return result.toString();
	}

}
