package io.configlag.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.configlag.mount.ConfigSnapshot.PathKind;
import io.configlag.mount.ConfigSnapshot.PathState;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Reads the watched paths into a {@link ConfigSnapshot}. A directory is read like a
 * mounted volume: YAML and properties files are parsed with Spring Boot's own loaders and
 * any other file is a config-tree entry, read the way Spring Boot's {@code configtree:}
 * import reads it. A directory written by the kubelet's atomic writer is read through its
 * {@code ..data} link so that one consistent version is read even while the kubelet swaps
 * it.
 * <p>
 * Content decides: a file whose bytes are the same as at the previous read is not parsed
 * again, its properties from that read (an immutable map) are used as they are. A reload
 * of an unchanged volume therefore reads and hashes the files but parses nothing, and a
 * change to one file parses that file only. A file's documents are thus activated (by
 * profile and cloud platform) when its content is first read, as Spring Boot activates
 * the documents of its config data once, at start-up.
 *
 * @author The config-lag developers
 */
public final class MountedConfigReader {

	/**
	 * The link the kubelet's atomic writer points at the current version of a volume.
	 */
	public static final String DATA_LINK = "..data";

	private static final int MAX_SWAP_RETRIES = 5;

	private final List<WatchedPath> paths;

	private final long maxFileSize;

	private final MountedFileParser parser;

	private volatile Map<Path, ParsedFile> lastParsed = Map.of();

	/**
	 * Create a new reader.
	 * @param paths the paths to read, later ones override earlier ones
	 * @param maxFileSize the largest file that is read, in bytes
	 * @param environment the environment whose profiles and cloud platform decide which
	 * documents are active
	 */
	public MountedConfigReader(List<WatchedPath> paths, long maxFileSize, ConfigurableEnvironment environment) {
		this.paths = List.copyOf(paths);
		this.maxFileSize = maxFileSize;
		this.parser = new MountedFileParser(environment);
	}

	/**
	 * Return the watched paths.
	 * @return the paths, in precedence order (later ones win)
	 */
	public List<WatchedPath> getPaths() {
		return this.paths;
	}

	/**
	 * Read every watched path.
	 * @return the snapshot
	 * @throws ConfigLoadException if anything cannot be read or parsed
	 */
	public ConfigSnapshot read() {
		MessageDigest digest = sha256();
		Map<String, Object> properties = new LinkedHashMap<>();
		List<PathState> states = new ArrayList<>(this.paths.size());
		Map<Path, ParsedFile> parsed = new HashMap<>();
		for (WatchedPath path : this.paths) {
			PathContent content = readPath(path, parsed);
			digest.update(path.location().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(content.digest());
			properties.putAll(content.properties());
			states.add(content.state());
		}
		String version = HexFormat.of().formatHex(digest.digest(), 0, 6);
		this.lastParsed = parsed;
		return new ConfigSnapshot(properties, version, states);
	}

	/**
	 * Tell whether a directory is a volume written by the kubelet's atomic writer.
	 * @param directory the directory
	 * @return whether it has a {@code ..data} link
	 */
	public static boolean isKubeletVolume(Path directory) {
		return Files.isSymbolicLink(directory.resolve(DATA_LINK));
	}

	private PathContent readPath(WatchedPath watched, Map<Path, ParsedFile> parsed) {
		Path path = watched.path();
		if (!exists(path)) {
			if (watched.optional()) {
				return PathContent.missing(watched);
			}
			throw new ConfigLoadException(path, "Config path '" + watched.location()
					+ "' does not exist (write it as 'optional:" + path + "' if it may be absent)");
		}
		for (int attempt = 1;; attempt++) {
			VolumeVersion version = VolumeVersion.of(path);
			try {
				PathContent content = (Files.isDirectory(path)) ? readDirectory(watched, version, parsed)
						: readSingleFile(watched, version, parsed);
				if (version == null || version.isCurrent()) {
					return content;
				}
			}
			catch (ConfigLoadException ex) {
				if (version == null || version.isCurrent() || attempt >= MAX_SWAP_RETRIES) {
					throw ex;
				}
			}
			if (attempt >= MAX_SWAP_RETRIES) {
				throw new ConfigLoadException(path, "Config path '" + watched.location()
						+ "' kept changing while it was read (" + attempt + " attempts)");
			}
		}
	}

	/*
	 * Tell whether a watched path exists. A key of a kubelet volume exists when the
	 * version {@code ..data} links to has it: the kubelet creates and removes the key's
	 * user-visible link only after the swap.
	 */
	private static boolean exists(Path path) {
		if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
			// A watched directory (the volume itself): no need to look for a volume above
			// it
			return true;
		}
		Path volume = path.getParent();
		if (volume != null && !DATA_LINK.equals(String.valueOf(path.getFileName())) && isKubeletVolume(volume)) {
			return Files.exists(volume.resolve(DATA_LINK).resolve(path.getFileName()));
		}
		return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
	}

	private PathContent readDirectory(WatchedPath watched, @Nullable VolumeVersion version,
			Map<Path, ParsedFile> parsedFiles) {
		Path root = (version != null) ? version.target() : watched.path();
		Map<String, Path> files = VolumeFiles.findFiles(watched.path(), root);
		if (version != null) {
			files.putAll(VolumeFiles.replacedKeys(watched.path()));
		}
		MessageDigest digest = sha256();
		Map<String, Map<String, Object>> parsed = new LinkedHashMap<>();
		Map<String, Object> configTree = new LinkedHashMap<>();
		Instant newest = null;
		for (Map.Entry<String, Path> entry : files.entrySet()) {
			Path file = entry.getValue();
			Path visible = watched.path().resolve(entry.getKey());
			byte[] content = readFile(visible, file);
			byte[] fileDigest = sha256().digest(content);
			digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(fileDigest);
			Map<String, Object> fileProperties = parse(entry.getKey(), visible, content, fileDigest, parsedFiles);
			parsed.put(entry.getKey(), fileProperties);
			if (MountedFileParser.isConfigTreeEntry(entry.getKey())) {
				configTree.putAll(fileProperties);
			}
			if (version == null) {
				// A kubelet volume's version was written when its ..data link was
				newest = latest(newest, modifiedTime(file));
			}
		}
		boolean configTreeActive = this.parser.isActiveConfigTree(configTree, watched.path());
		Map<String, Object> properties = new LinkedHashMap<>();
		parsed.forEach((name, fileProperties) -> {
			if (configTreeActive || !MountedFileParser.isConfigTreeEntry(name)) {
				properties.putAll(fileProperties);
			}
		});
		Instant writtenAt = (version != null) ? version.writtenAt() : newest;
		PathState state = new PathState(watched, PathKind.DIRECTORY, version != null, writtenAt, properties.size(),
				List.copyOf(files.keySet()));
		return new PathContent(state, properties, digest.digest());
	}

	private PathContent readSingleFile(WatchedPath watched, @Nullable VolumeVersion version,
			Map<Path, ParsedFile> parsedFiles) {
		Path visible = watched.path();
		boolean replaced = version != null && Files.isRegularFile(visible, LinkOption.NOFOLLOW_LINKS);
		Path file = (version != null && !replaced) ? version.target().resolve(visible.getFileName()) : visible;
		if (version == null && Files.isSymbolicLink(visible) && !Files.exists(visible)) {
			throw new ConfigLoadException(visible, "Config file '" + visible + "' is a dangling symbolic link");
		}
		if (!Files.isRegularFile(file)) {
			throw new ConfigLoadException(visible, "Config path '" + visible + "' is neither a file nor a directory");
		}
		byte[] content = readFile(visible, file);
		byte[] digest = sha256().digest(content);
		String name = visible.getFileName().toString();
		Map<String, Object> properties = parse(name, visible, content, digest, parsedFiles);
		if (MountedFileParser.isConfigTreeEntry(name) && !this.parser.isActiveConfigTree(properties, visible)) {
			properties = Map.of();
		}
		Instant writtenAt = (version != null) ? version.writtenAt() : modifiedTime(file);
		PathState state = new PathState(watched, PathKind.FILE, version != null, writtenAt, properties.size(),
				List.of(name));
		return new PathContent(state, properties, digest);
	}

	/*
	 * Parse a file, or take its properties from the previous read if that read found the
	 * same bytes in it, and record them for the next read.
	 */
	private Map<String, Object> parse(String relativeName, Path visible, byte[] content, byte[] digest,
			Map<Path, ParsedFile> parsedFiles) {
		ParsedFile previous = this.lastParsed.get(visible);
		ParsedFile file = (previous != null && MessageDigest.isEqual(previous.digest(), digest)) ? previous
				: new ParsedFile(digest,
						Collections.unmodifiableMap(this.parser.parse(relativeName, visible, content)));
		parsedFiles.put(visible, file);
		return file.properties();
	}

	/**
	 * Tell whether a file or directory is hidden. Names starting with a dot are never
	 * read: the kubelet's {@code ..data} and {@code ..<timestamp>} entries, editor swap
	 * files.
	 * @param path the path
	 * @return whether its name starts with a dot
	 */
	public static boolean isHidden(Path path) {
		Path name = path.getFileName();
		return name != null && name.toString().startsWith(".");
	}

	private byte[] readFile(Path visible, Path file) {
		try {
			long size = Files.size(file);
			if (size > this.maxFileSize) {
				throw tooLarge(visible, size);
			}
			byte[] content = Files.readAllBytes(file);
			if (content.length > this.maxFileSize) {
				throw tooLarge(visible, content.length);
			}
			return content;
		}
		catch (IOException ex) {
			throw ioFailure(visible, ex);
		}
	}

	private ConfigLoadException tooLarge(Path visible, long size) {
		return new ConfigLoadException(visible, "Config file '" + visible + "' is " + size
				+ " bytes, larger than config.lag.max-file-size (" + this.maxFileSize + " bytes)");
	}

	static ConfigLoadException ioFailure(Path path, IOException ex) {
		if (ex instanceof FileSystemLoopException) {
			return new ConfigLoadException(path, "Symbolic link loop under '" + path + "'", ex);
		}
		if (ex instanceof AccessDeniedException denied) {
			return new ConfigLoadException(path, "Permission denied reading '" + denied.getFile() + "'", ex);
		}
		if (ex instanceof NoSuchFileException missing) {
			return new ConfigLoadException(path, "'" + missing.getFile() + "' disappeared while it was read", ex);
		}
		return new ConfigLoadException(path,
				"Failed to read '" + path + "': " + ex.getClass().getSimpleName() + " " + ex.getMessage(), ex);
	}

	private static @Nullable Instant modifiedTime(Path file) {
		try {
			return Files.getLastModifiedTime(file).toInstant();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static @Nullable Instant latest(@Nullable Instant a, @Nullable Instant b) {
		if (a == null) {
			return b;
		}
		return (b != null && b.isAfter(a)) ? b : a;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The properties parsed from one file, with the digest of the bytes they were parsed
	 * from.
	 */
	private record ParsedFile(byte[] digest, Map<String, Object> properties) {

	}

	private record PathContent(PathState state, Map<String, Object> properties, byte[] digest) {

		static PathContent missing(WatchedPath path) {
			return new PathContent(new PathState(path, PathKind.MISSING, false, null, 0, List.of()), Map.of(),
					new byte[0]);
		}

	}

}
