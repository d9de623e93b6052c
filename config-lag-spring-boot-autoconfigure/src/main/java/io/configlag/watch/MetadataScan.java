package io.configlag.watch;

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

import io.configlag.mount.MountedConfigReader;
import org.jspecify.annotations.Nullable;

/**
 * One metadata check of the watched paths, {@code stat} and link targets only: every
 * entry whose change can change the content (file key, that is device and inode, size,
 * modification time, link target) and the directories to watch with their file keys. In a
 * kubelet volume: the volume's file key (a remount changes it), {@code ..data}, the tree
 * of its version, and visible entries other than the kubelet's links (a file that
 * replaced one, as {@code sed -i} does). Elsewhere the visible tree, links followed; a
 * missing path is watched through its nearest existing ancestor.
 * <p>
 * State: one scan's result (entries, directories, newest write), fixed after {@link #of}.
 *
 * @author The config-lag developers
 */
final class MetadataScan {

	private static final int MAX_DEPTH = 100;

	private final Map<Path, String> entries = new HashMap<>();

	private final Map<Path, @Nullable Object> directories = new LinkedHashMap<>();

	private @Nullable Instant newest;

	private MetadataScan() {
	}

	static MetadataScan of(List<Path> paths) {
		MetadataScan scan = new MetadataScan();
		paths.forEach(scan::scan);
		return scan;
	}

	/**
	 * Tell whether any entry differs from another scan ({@code null}: there is none).
	 * @param other the previous scan
	 * @return whether anything that can change the content differs
	 */
	boolean differsFrom(@Nullable MetadataScan other) {
		return other == null || !this.entries.equals(other.entries);
	}

	Map<Path, @Nullable Object> directories() {
		return this.directories;
	}

	/**
	 * Tell whether a file was written, or {@code ..data} swapped, after the given time
	 * (if {@code null}, nothing was read: whether anything exists).
	 * @param time the time
	 * @return whether anything was modified after it
	 */
	boolean writtenAfter(@Nullable Instant time) {
		return (time != null) ? this.newest != null && this.newest.isAfter(time) : this.newest != null;
	}

	private void scan(Path path) {
		Path parent = path.getParent();
		if (Files.isDirectory(path)) {
			if (MountedConfigReader.isKubeletVolume(path)) {
				scanVolume(path);
			}
			else {
				scanTree(path);
			}
			return;
		}
		this.entries.put(path, describe(path));
		if (parent != null && MountedConfigReader.isKubeletVolume(parent)) {
			scanVolume(parent);
			return;
		}
		while (parent != null && !Files.isDirectory(parent)) {
			parent = parent.getParent();
		}
		if (parent != null) {
			watch(parent);
		}
	}

	/*
	 * Watch a kubelet volume and record its file key, where {@code ..data} links to and
	 * when it was swapped, the tree of that version, and the visible entries that are not
	 * the kubelet's links.
	 */
	private void scanVolume(Path volume) {
		this.entries.put(volume, describe(volume));
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
		try (Stream<Path> children = Files.list(volume)) {
			children.filter((child) -> !MountedConfigReader.isHidden(child) && !isKubeletLink(child))
				.forEach((child) -> this.entries.put(child, describe(child)));
		}
		catch (IOException | UncheckedIOException ex) {
			this.entries.put(volume, "failed " + ex.getClass().getSimpleName());
		}
	}

	private static boolean isKubeletLink(Path child) {
		try {
			return Files.isSymbolicLink(child)
					&& Files.readSymbolicLink(child).startsWith(MountedConfigReader.DATA_LINK);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void scanTree(Path root) {
		try (Stream<Path> tree = Files.walk(root, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
			// Hidden entries (and everything below a hidden directory) are never read
			tree.filter((path) -> !("/" + root.relativize(path)).contains("/.")).forEach((path) -> {
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

	private void watch(Path directory) {
		try {
			this.directories.put(directory, Files.readAttributes(directory, BasicFileAttributes.class).fileKey());
		}
		catch (IOException ex) {
			// Gone meanwhile: the next scan sees what replaced it
		}
	}

	/*
	 * Describe an entry, and a link's target; a directory by its file key only.
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
