package io.configlag.watch;

import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * One metadata check of the watched paths ({@code stat} and link targets; no file is
 * read): a description of every entry whose change can change the content (file key,
 * that is device and inode, size, modification time, link target), and the directories
 * to watch for events with their file keys. In a kubelet volume the entries are the
 * volume directory (a remount changes its file key), the {@code ..data} link, the tree of
 * the version it links to, and any visible entry that is not the kubelet's link into
 * {@code ..data} (a file put in its place, as {@code sed -i} does); elsewhere the visible
 * tree, links followed. A missing path is watched through its nearest existing ancestor.
 * <p>
 * State: the result of one scan (entries, directories, newest write); never changed
 * after {@link #of}.
 *
 * @author config-lag
 */
final class MetadataScan {

	private static final int MAX_DEPTH = 100;

	private final Map<Path, String> entries = new HashMap<>();

	private final Map<Path, @Nullable Object> directories = new LinkedHashMap<>();

	private @Nullable Instant newest;

	private MetadataScan() {
	}

	static MetadataScan of(List<WatchedPath> paths) {
		MetadataScan scan = new MetadataScan();
		for (WatchedPath watched : paths) {
			scan.scan(watched.path());
		}
		return scan;
	}

	/**
	 * Tell whether the content may differ from what another scan saw.
	 * @param other the other scan, {@code null} if there is none
	 * @return whether any entry differs
	 */
	boolean differsFrom(@Nullable MetadataScan other) {
		return other == null || !this.entries.equals(other.entries);
	}

	Map<Path, @Nullable Object> directories() {
		return this.directories;
	}

	/**
	 * Tell whether a file was written, or {@code ..data} swapped, after the given time.
	 * @param time a time, {@code null} if nothing was read: then whether anything exists
	 * @return whether the content may be newer
	 */
	boolean writtenAfter(@Nullable Instant time) {
		return (time != null) ? this.newest != null && this.newest.isAfter(time) : this.newest != null;
	}

	private void scan(Path path) {
		Path parent = path.getParent();
		if (Files.isDirectory(path) && MountedConfigReader.isKubeletVolume(path)) {
			this.entries.put(path, describe(path));
			scanVolume(path);
			try (Stream<Path> children = Files.list(path)) {
				children.filter((child) -> !MountedConfigReader.isHidden(child) && !isKubeletLink(child))
					.forEach((child) -> this.entries.put(child, describe(child)));
			}
			catch (IOException | UncheckedIOException ex) {
				this.entries.put(path, "failed " + ex.getClass().getSimpleName());
			}
		}
		else if (Files.isDirectory(path)) {
			scanTree(path);
		}
		else if (parent != null && MountedConfigReader.isKubeletVolume(parent)) {
			this.entries.put(path, describe(path));
			scanVolume(parent);
		}
		else {
			this.entries.put(path, describe(path));
			while (parent != null && !Files.isDirectory(parent)) {
				parent = parent.getParent();
			}
			if (parent != null) {
				watch(parent);
			}
		}
	}

	/**
	 * Watch a kubelet volume and record where {@code ..data} links to, when it was
	 * swapped, and the tree of the version it links to.
	 */
	private void scanVolume(Path volume) {
		watch(volume);
		Path link = volume.resolve(MountedConfigReader.DATA_LINK);
		try {
			Path target = Files.readSymbolicLink(link);
			this.entries.put(link, "-> " + target);
			written(Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
			scanTree(volume.resolve(target));
		}
		catch (IOException ex) {
			this.entries.put(link, "missing");
		}
	}

	private static boolean isKubeletLink(Path child) {
		try {
			return Files.isSymbolicLink(child) && Files.readSymbolicLink(child).startsWith(MountedConfigReader.DATA_LINK);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void scanTree(Path root) {
		try (Stream<Path> tree = Files.walk(root, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
			tree.filter((path) -> path.equals(root) || !isHidden(root.relativize(path))).forEach((path) -> {
				this.entries.put(path, describe(path));
				if (Files.isDirectory(path)) {
					watch(path);
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			// Changed while it was walked: the next scan sees the result
			this.entries.put(root, "failed " + ex.getClass().getSimpleName());
		}
	}

	private static boolean isHidden(Path relative) {
		for (Path name : relative) {
			if (name.toString().startsWith(".")) {
				return true;
			}
		}
		return false;
	}

	private void watch(Path directory) {
		try {
			this.directories.put(directory, Files.readAttributes(directory, BasicFileAttributes.class).fileKey());
		}
		catch (IOException ex) {
			// Gone meanwhile: the next scan sees what replaced it
		}
	}

	/**
	 * Describe one entry: its attributes and, for a link, its target and the attributes
	 * of what it links to. A directory is described by its file key only (creating a
	 * hidden file in it changes its modification time).
	 */
	private String describe(Path path) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			String link = "";
			if (attributes.isSymbolicLink()) {
				link = "-> " + Files.readSymbolicLink(path) + " ";
				attributes = Files.readAttributes(path, BasicFileAttributes.class);
			}
			if (attributes.isDirectory()) {
				return link + "directory " + attributes.fileKey();
			}
			written(attributes);
			return link + attributes.fileKey() + " " + attributes.size() + " " + attributes.lastModifiedTime();
		}
		catch (IOException ex) {
			return "missing";
		}
	}

	private void written(BasicFileAttributes attributes) {
		Instant modified = attributes.lastModifiedTime().toInstant();
		if (this.newest == null || modified.isAfter(this.newest)) {
			this.newest = modified;
		}
	}

}
