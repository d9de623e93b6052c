package io.configlag.mount;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import org.springframework.util.StringUtils;

/**
 * Lists the files of a watched directory as an application reading it through its
 * user-visible names would find them: links followed, hidden names ({@code ..data},
 * {@code ..<timestamp>}, editor swap files) left out.
 *
 * @author The config-lag developers
 */
final class VolumeFiles {

	private static final int MAX_DEPTH = 100;

	private VolumeFiles() {
	}

	/*
	 * Return the keys of a kubelet volume whose user-visible link was replaced by a plain
	 * file (an in-place edit such as {@code sed -i} renames a new file over the link):
	 * what the application would read through that name is the file, not the version
	 * {@code ..data} links to.
	 */
	static Map<String, Path> replacedKeys(Path volume) {
		Map<String, Path> replaced = new TreeMap<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(volume)) {
			for (Path entry : entries) {
				if (!MountedConfigReader.isHidden(entry) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
					replaced.put(entry.getFileName().toString(), entry);
				}
			}
		}
		catch (IOException ex) {
			throw MountedConfigReader.ioFailure(volume, ex);
		}
		return replaced;
	}

	static Map<String, Path> findFiles(Path visibleRoot, Path root) {
		Map<String, Path> files = new TreeMap<>();
		try {
			walkVisible(root, (file, attributes) -> {
				String relative = StringUtils.cleanPath(root.relativize(file).toString());
				if (attributes.isSymbolicLink()) {
					// Links are followed: a link's own attributes mean its target is
					// missing
					throw new ConfigLoadException(visibleRoot.resolve(relative),
							"Config file '" + visibleRoot.resolve(relative) + "' is a dangling symbolic link");
				}
				if (attributes.isRegularFile()) {
					files.put(relative, file);
				}
			});
		}
		catch (IOException ex) {
			throw MountedConfigReader.ioFailure(visibleRoot, ex);
		}
		return files;
	}

	/*
	 * Walk a directory tree, following links, and hand every entry below the root that is
	 * not hidden (directories included) to the consumer with its attributes. Hidden
	 * directories are not entered.
	 */
	private static void walkVisible(Path root, BiConsumer<Path, BasicFileAttributes> consumer) throws IOException {
		Files.walkFileTree(root, Set.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
				if (directory.equals(root)) {
					return FileVisitResult.CONTINUE;
				}
				if (MountedConfigReader.isHidden(directory)) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				consumer.accept(directory, attributes);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				if (!MountedConfigReader.isHidden(file)) {
					consumer.accept(file, attributes);
				}
				return FileVisitResult.CONTINUE;
			}

		});
	}

}
