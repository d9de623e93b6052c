package io.configlag.mount;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

import io.configlag.mount.ConfigSnapshot.PathKind;
import io.configlag.mount.ConfigSnapshot.PathState;

import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.StringUtils;

/**
 * Reads the watched paths into a {@link ConfigSnapshot}. A directory is read like a
 * mounted volume: YAML and properties files are parsed with Spring Boot's own loaders and
 * any other file is a config-tree entry, read the way Spring Boot's {@code configtree:}
 * import reads it. A directory written by the kubelet's atomic writer is read through its
 * {@code ..data} link so that one consistent version is read even while the kubelet swaps
 * it.
 *
 * @author config-lag
 */
public final class MountedConfigReader {

	public static final String DATA_LINK = "..data";

	private static final int MAX_DEPTH = 100;

	private static final int MAX_SWAP_RETRIES = 5;

	private static final String ON_PROFILE = "spring.config.activate.on-profile";

	/**
	 * Spring Boot's YAML loader allows any number of aliases and flattens them eagerly, so
	 * a few hundred bytes of nested aliases expand to billions of properties. A document
	 * whose aliases expand it beyond this many nodes (or beyond its own size, if larger)
	 * is rejected before it is loaded.
	 */
	private static final long MAX_EXPANDED_YAML_NODES = 100_000;

	/**
	 * Deepest nesting of a YAML document once its aliases are expanded; Spring Boot's
	 * loader flattens recursively and overflows the stack on long alias chains.
	 */
	private static final int MAX_EXPANDED_YAML_DEPTH = 100;

	/**
	 * Messages of parser failures that never contain a property value; any other message
	 * is replaced by the exception's type (SnakeYAML and the JDK put values in theirs).
	 */
	private static final List<String> VALUE_FREE_MESSAGES = List.of("Malformed \\uxxxx encoding.",
			"Nesting Depth exceeded max", "Number of aliases for non-scalar nodes exceeds",
			"The incoming YAML document exceeds the limit");

	private static final MessageDigest SHA_256;

	static {
		try {
			SHA_256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private final List<WatchedPath> paths;

	private final long maxFileSize;

	private final Predicate<String> profileMatcher;

	private final PropertySourceLoader yamlLoader = new YamlPropertySourceLoader();

	private final PropertySourceLoader propertiesLoader = new PropertiesPropertySourceLoader();

	private final ChangedLinesParser changedLines = new ChangedLinesParser();

	private volatile List<String> lastReadFingerprint = List.of();

	/**
	 * Create a new reader.
	 * @param paths the paths to read, later ones override earlier ones
	 * @param maxFileSize the largest file that is read, in bytes
	 * @param profileMatcher tells whether a {@code spring.config.activate.on-profile}
	 * expression matches the active profiles
	 */
	public MountedConfigReader(List<WatchedPath> paths, long maxFileSize, Predicate<String> profileMatcher) {
		this.paths = List.copyOf(paths);
		this.maxFileSize = maxFileSize;
		this.profileMatcher = profileMatcher;
	}

	/**
	 * Return the fingerprint taken at the start of the most recent {@link #read()},
	 * whether that read succeeded or not: a watcher compares later fingerprints with it
	 * instead of taking its own before every read.
	 * @return the fingerprint, empty before the first read
	 */
	public List<String> lastReadFingerprint() {
		return this.lastReadFingerprint;
	}

	ChangedLinesParser changedLines() {
		return this.changedLines;
	}

	public List<WatchedPath> getPaths() {
		return this.paths;
	}

	/**
	 * Read every watched path.
	 * @return the snapshot
	 * @throws ConfigLoadException if anything cannot be read or parsed
	 */
	public ConfigSnapshot read() {
		List<String> fingerprint = fingerprint();
		this.lastReadFingerprint = fingerprint;
		MessageDigest digest = sha256();
		CompactProperties.Builder properties = new CompactProperties.Builder();
		List<PathState> states = new ArrayList<>(this.paths.size());
		ChangedLinesParser.Batch parsed = this.changedLines.batch();
		for (WatchedPath path : this.paths) {
			PathContent content = readPath(path, parsed);
			digest.update(path.location().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(content.digest());
			properties.putAll(content.properties(), path.path(), content.state().files());
			states.add(content.state());
		}
		String version = HexFormat.of().formatHex(digest.digest(), 0, 6);
		ConfigSnapshot snapshot = new ConfigSnapshot(properties.build(), version, List.copyOf(states), fingerprint);
		parsed.commit(snapshot);
		return snapshot;
	}

	/**
	 * Return cheap metadata of every watched path (link targets, sizes, modification
	 * times) without reading any file. When it is unchanged, nothing needs to be read.
	 * @return the fingerprint
	 */
	public List<String> fingerprint() {
		List<String> fingerprint = new ArrayList<>(this.paths.size());
		for (WatchedPath path : this.paths) {
			fingerprint.add(fingerprint(path.path()));
		}
		return fingerprint;
	}

	private String fingerprint(Path path) {
		try {
			if (isKubeletVolume(path)) {
				return "volume:" + Files.readSymbolicLink(path.resolve(DATA_LINK));
			}
			Path parent = path.getParent();
			if (parent != null && isKubeletVolume(parent) && !Files.isDirectory(path)) {
				return "volume-file:" + Files.readSymbolicLink(parent.resolve(DATA_LINK)) + ":" + stat(path);
			}
			if (Files.isDirectory(path)) {
				Map<String, String> entries = new TreeMap<>();
				walkVisible(path, (entry, attributes) -> entries.put(path.relativize(entry).toString(),
						stat(attributes)));
				StringBuilder result = new StringBuilder("directory:");
				entries.forEach((name, stat) -> result.append(name).append('=').append(stat).append(';'));
				return result.toString();
			}
			return "file:" + stat(path);
		}
		catch (IOException ex) {
			return "unreadable:" + ex.getClass().getSimpleName();
		}
	}

	private static String stat(Path path) {
		try {
			return stat(Files.readAttributes(path, BasicFileAttributes.class));
		}
		catch (IOException ex) {
			return "missing";
		}
	}

	private static String stat(BasicFileAttributes attributes) {
		return attributes.size() + "/" + attributes.lastModifiedTime().toMillis() + "/" + attributes.fileKey();
	}

	public static boolean isKubeletVolume(Path directory) {
		return Files.isSymbolicLink(directory.resolve(DATA_LINK));
	}

	private PathContent readPath(WatchedPath watched, ChangedLinesParser.Batch parsed) {
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

	/**
	 * Tell whether a watched path exists. A key of a kubelet volume exists when the
	 * version {@code ..data} links to has it: the kubelet creates and removes the key's
	 * user-visible link only after the swap.
	 */
	private static boolean exists(Path path) {
		if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
			// A watched directory (the volume itself): no need to look for a volume above it
			return true;
		}
		Path volume = path.getParent();
		if (volume != null && !DATA_LINK.equals(String.valueOf(path.getFileName())) && isKubeletVolume(volume)) {
			return Files.exists(volume.resolve(DATA_LINK).resolve(path.getFileName()));
		}
		return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
	}

	private PathContent readDirectory(WatchedPath watched, @Nullable VolumeVersion version,
			ChangedLinesParser.Batch parsed) {
		Path root = (version != null) ? version.target() : watched.path();
		Map<String, Path> files = findFiles(watched.path(), root);
		MessageDigest digest = sha256();
		// A single file's properties are used as they are; several are merged in order
		Map<String, Object> properties = (files.size() == 1) ? Map.of() : new LinkedHashMap<>();
		Instant newest = null;
		for (Map.Entry<String, Path> entry : files.entrySet()) {
			Path file = entry.getValue();
			Path visible = watched.path().resolve(entry.getKey());
			byte[] content = readFile(visible, file);
			digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(sha256().digest(content));
			Map<String, Object> fileProperties = parse(entry.getKey(), visible, content, parsed);
			if (files.size() == 1) {
				properties = fileProperties;
			}
			else {
				properties.putAll(fileProperties);
			}
			if (version == null) {
				// A kubelet volume's version was written when its ..data link was
				newest = latest(newest, modifiedTime(file));
			}
		}
		Instant writtenAt = (version != null) ? version.writtenAt() : newest;
		PathState state = new PathState(watched, PathKind.DIRECTORY, version != null, writtenAt, properties.size(),
				List.copyOf(files.keySet()));
		return new PathContent(state, properties, digest.digest());
	}

	private PathContent readSingleFile(WatchedPath watched, @Nullable VolumeVersion version,
			ChangedLinesParser.Batch parsed) {
		Path visible = watched.path();
		Path file = (version != null) ? version.target().resolve(visible.getFileName()) : visible;
		if (version == null && Files.isSymbolicLink(visible) && !Files.exists(visible)) {
			throw new ConfigLoadException(visible, "Config file '" + visible + "' is a dangling symbolic link");
		}
		if (!Files.isRegularFile(file)) {
			throw new ConfigLoadException(visible, "Config path '" + visible + "' is neither a file nor a directory");
		}
		byte[] content = readFile(visible, file);
		String name = visible.getFileName().toString();
		Map<String, Object> properties = parse(name, visible, content, parsed);
		Instant writtenAt = (version != null) ? version.writtenAt() : modifiedTime(file);
		PathState state = new PathState(watched, PathKind.FILE, version != null, writtenAt, properties.size(),
				List.of(name));
		return new PathContent(state, properties, sha256().digest(content));
	}

	private Map<String, Path> findFiles(Path visibleRoot, Path root) {
		Map<String, Path> files = new TreeMap<>();
		try {
			walkVisible(root, (file, attributes) -> {
				String relative = StringUtils.cleanPath(root.relativize(file).toString());
				if (attributes.isSymbolicLink()) {
					// Links are followed: a link's own attributes mean its target is missing
					throw new ConfigLoadException(visibleRoot.resolve(relative),
							"Config file '" + visibleRoot.resolve(relative) + "' is a dangling symbolic link");
				}
				if (attributes.isRegularFile()) {
					files.put(relative, file);
				}
			});
		}
		catch (IOException ex) {
			throw ioFailure(visibleRoot, ex);
		}
		return files;
	}

	/**
	 * Walk a directory tree, following links, and hand every entry below the root that
	 * is not hidden (directories included) to the consumer with its attributes. Hidden
	 * directories are not entered.
	 */
	private static void walkVisible(Path root, BiConsumer<Path, BasicFileAttributes> consumer) throws IOException {
		Files.walkFileTree(root, Set.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
				if (directory.equals(root)) {
					return FileVisitResult.CONTINUE;
				}
				if (isHidden(directory)) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				consumer.accept(directory, attributes);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				if (!isHidden(file)) {
					consumer.accept(file, attributes);
				}
				return FileVisitResult.CONTINUE;
			}

		});
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

	private static ConfigLoadException ioFailure(Path path, IOException ex) {
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

	private Map<String, Object> parse(String relativeName, Path visible, byte[] content,
			ChangedLinesParser.Batch parsed) {
		String lowerCaseName = relativeName.toLowerCase(java.util.Locale.ROOT);
		String text = decode(visible, content);
		if (lowerCaseName.endsWith(".yaml") || lowerCaseName.endsWith(".yml")) {
			return parseDocuments(this.yamlLoader, "YAML", visible, content, text);
		}
		if (lowerCaseName.endsWith(".properties")) {
			Map<String, Object> properties = StringUtils.hasText(text) ? this.changedLines.parse(visible, content,
					new LoadedFileResource(visible, new byte[0]), (lines) -> parseLines(visible, lines), parsed)
					: null;
			if (properties == null) {
				properties = parseDocuments(this.propertiesLoader, "properties", visible, content, text);
				parsed.add(visible, content, properties);
			}
			return properties;
		}
		return Map.of(configTreeName(relativeName), configTreeValue(text));
	}

	private static String decode(Path visible, byte[] content) {
		boolean ascii = true;
		for (int i = 0; i < content.length; i++) {
			if (content[i] == 0) {
				throw new ConfigLoadException(visible,
						"Config file '" + visible + "' contains a NUL byte at offset " + i + " (binary data?)");
			}
			ascii &= content[i] > 0;
		}
		if (ascii) {
			// ASCII is valid UTF-8 as it is
			return new String(content, StandardCharsets.US_ASCII);
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try {
			return decoder.decode(ByteBuffer.wrap(content)).toString();
		}
		catch (CharacterCodingException ex) {
			throw new ConfigLoadException(visible, "Config file '" + visible + "' is not valid UTF-8 text", ex);
		}
	}

	private Map<String, Object> parseDocuments(PropertySourceLoader loader, String format, Path visible,
			byte[] content, String text) {
		if (!StringUtils.hasText(text)) {
			throw new ConfigLoadException(visible, "Config file '" + visible
					+ "' is empty; an empty file is treated as a failed write, not as the removal of every key");
		}
		List<PropertySource<?>> documents;
		try {
			// An alias is written '*name': without a '*' there is nothing to expand, and
			// composing the document a second time would double the cost of every read
			if (loader == this.yamlLoader && text.indexOf('*') >= 0) {
				checkAliasExpansion(visible, text);
			}
			documents = loader.load(visible.toString(), new LoadedFileResource(visible, content));
		}
		catch (ConfigLoadException ex) {
			throw ex;
		}
		catch (StackOverflowError ex) {
			throw new ConfigLoadException(visible, "Invalid " + format + " in '" + visible + "': nested too deeply");
		}
		catch (MarkedYAMLException ex) {
			// The parser's own message quotes the offending line, which may be a secret:
			// keep only the position and the problem, and do not chain the cause
			throw new ConfigLoadException(visible, "Invalid YAML in '" + visible + "'" + describe(ex));
		}
		catch (IOException | RuntimeException ex) {
			throw new ConfigLoadException(visible, "Invalid " + format + " in '" + visible + "': " + safeMessage(ex));
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		for (PropertySource<?> document : documents) {
			if (document instanceof OriginTrackedMapPropertySource map && isActive(map, format, visible)) {
				properties.putAll(map.getSource());
			}
		}
		properties.keySet().removeIf((key) -> key.equals(ON_PROFILE) || key.startsWith(ON_PROFILE + "["));
		return properties;
	}

	/**
	 * Parse some whole lines of a properties file with Spring Boot's loader, for
	 * {@link ChangedLinesParser}.
	 * @return the lines' properties, or {@code null} if they are not one plain document
	 */
	private @Nullable Map<String, Object> parseLines(Path visible, byte[] lines) {
		try {
			List<PropertySource<?>> documents = this.propertiesLoader.load(visible.toString(),
					new LoadedFileResource(visible, lines));
			if (documents.size() > 1) {
				return null;
			}
			Map<String, Object> properties = new LinkedHashMap<>();
			for (PropertySource<?> document : documents) {
				if (!(document instanceof OriginTrackedMapPropertySource map)) {
					return null;
				}
				for (Map.Entry<String, Object> entry : map.getSource().entrySet()) {
					if (entry.getKey().equals(ON_PROFILE) || entry.getKey().startsWith(ON_PROFILE + "[")) {
						return null;
					}
					properties.put(entry.getKey(), entry.getValue());
				}
			}
			return properties;
		}
		catch (IOException | RuntimeException ex) {
			// The whole file is parsed again, and reports the failure with its real line
			return null;
		}
	}

	/**
	 * Tell whether a document is active, reading {@code spring.config.activate.on-profile}
	 * as Spring Boot binds it: a {@code String[]} (comma-separated or a list) whose
	 * expressions are or-ed, no restriction when empty.
	 */
	private boolean isActive(OriginTrackedMapPropertySource document, String format, Path visible) {
		Map<String, Object> source = document.getSource();
		List<String> expressions = new ArrayList<>();
		String onProfile = ConfigSnapshot.asString(source.get(ON_PROFILE));
		if (onProfile != null) {
			for (String expression : StringUtils.delimitedListToStringArray(onProfile, ",")) {
				expressions.add(expression.trim());
			}
		}
		for (int i = 0; source.containsKey(ON_PROFILE + "[" + i + "]"); i++) {
			expressions.add(String.valueOf(ConfigSnapshot.asString(source.get(ON_PROFILE + "[" + i + "]"))).trim());
		}
		if (expressions.isEmpty() || expressions.equals(List.of(""))) {
			return true;
		}
		try {
			return expressions.stream().anyMatch(this.profileMatcher);
		}
		catch (RuntimeException ex) {
			throw new ConfigLoadException(visible,
					"Invalid " + format + " in '" + visible + "': " + ON_PROFILE + " is not a valid profile expression",
					ex);
		}
	}

	private static String describe(MarkedYAMLException ex) {
		Mark mark = (ex.getProblemMark() != null) ? ex.getProblemMark() : ex.getContextMark();
		String where = (mark != null) ? " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) : "";
		String problem = Objects.requireNonNullElse(ex.getProblem(), ex.getClass().getSimpleName());
		String context = (ex.getContext() != null) ? " (" + ex.getContext() + ")" : "";
		return where + ": " + problem + context;
	}

	private static String safeMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		if (cause instanceof MarkedYAMLException yaml) {
			return describe(yaml).substring(2);
		}
		String message = cause.getMessage();
		if (message != null && VALUE_FREE_MESSAGES.stream().anyMatch(message::startsWith)) {
			return message;
		}
		return cause.getClass().getSimpleName();
	}

	/**
	 * Reject a YAML document whose aliases are recursive or expand it beyond
	 * {@link #MAX_EXPANDED_YAML_NODES} nodes or {@link #MAX_EXPANDED_YAML_DEPTH} levels,
	 * measured on the composed node graph without expanding it.
	 */
	private static void checkAliasExpansion(Path visible, String text) {
		LoaderOptions options = new LoaderOptions();
		options.setMaxAliasesForCollections(Integer.MAX_VALUE);
		options.setAllowRecursiveKeys(true);
		options.setCodePointLimit(Integer.MAX_VALUE);
		for (Node document : new Yaml(options).composeAll(new StringReader(text))) {
			if (document != null) {
				new AliasExpansion(visible).check(document);
			}
		}
	}

	/**
	 * Return the property name of a config-tree file, as Spring Boot's
	 * {@code ConfigTreePropertySource} names it: path elements joined with dots.
	 */
	private static String configTreeName(String relativeName) {
		return relativeName.replace('/', '.');
	}

	/**
	 * Return the value of a config-tree file, as Spring Boot's
	 * {@code ConfigTreePropertySource} with {@code AUTO_TRIM_TRAILING_NEW_LINE} returns it:
	 * a single trailing new line is removed from a single-line value.
	 */
	static String configTreeValue(String content) {
		if (!content.endsWith("\n")) {
			return content;
		}
		if (content.indexOf('\n') != content.length() - 1) {
			return content;
		}
		return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
				: content.substring(0, content.length() - 1);
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

	static MessageDigest sha256() {
		try {
			// Cloning is cheaper than looking the algorithm up in the providers each time
			return (MessageDigest) SHA_256.clone();
		}
		catch (CloneNotSupportedException ex) {
			try {
				return MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException notFound) {
				throw new IllegalStateException(notFound);
			}
		}
	}

	/**
	 * The version of a kubelet volume that a read started from.
	 */
	private record VolumeVersion(Path link, Path linkTarget, Path target, @Nullable Instant writtenAt) {

		static @Nullable VolumeVersion of(Path path) {
			Path volume = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? path : path.getParent();
			if (volume == null || !isKubeletVolume(volume)) {
				return null;
			}
			Path link = volume.resolve(DATA_LINK);
			try {
				Path linkTarget = Files.readSymbolicLink(link);
				Instant writtenAt = Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant();
				return new VolumeVersion(link, linkTarget, volume.resolve(linkTarget).normalize(), writtenAt);
			}
			catch (IOException ex) {
				throw ioFailure(link, ex);
			}
		}

		boolean isCurrent() {
			try {
				return this.linkTarget.equals(Files.readSymbolicLink(this.link));
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

	/**
	 * Measures the size and depth of a composed YAML document as if its aliases were
	 * expanded. Nodes are visited in document order, so an alias refers either to a node
	 * already measured or, when it is recursive, to one still being measured.
	 */
	private static final class AliasExpansion {

		private final Path visible;

		private final Map<Node, long[]> measured = new IdentityHashMap<>();

		private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();

		AliasExpansion(Path visible) {
			this.visible = visible;
		}

		void check(Node document) {
			long size = measure(document)[0];
			if (size > Math.max(MAX_EXPANDED_YAML_NODES, this.measured.size())) {
				throw new ConfigLoadException(this.visible, "Invalid YAML in '" + this.visible
						+ "': its aliases expand it to more than " + MAX_EXPANDED_YAML_NODES + " nodes");
			}
		}

		private long[] measure(Node node) {
			long[] known = this.measured.get(node);
			if (known != null) {
				return known;
			}
			if (this.inProgress.put(node, Boolean.TRUE) != null) {
				throw new ConfigLoadException(this.visible, "Invalid YAML in '" + this.visible + "' at line "
						+ (node.getStartMark().getLine() + 1) + ": an anchor contains an alias to itself");
			}
			long size = 1;
			long depth = 0;
			for (Node child : children(node)) {
				long[] measuredChild = measure(child);
				size = Math.min(size + measuredChild[0], Long.MAX_VALUE / 2);
				depth = Math.max(depth, measuredChild[1]);
			}
			depth++;
			if (depth > MAX_EXPANDED_YAML_DEPTH) {
				throw new ConfigLoadException(this.visible, "Invalid YAML in '" + this.visible
						+ "': its aliases nest it deeper than " + MAX_EXPANDED_YAML_DEPTH + " levels");
			}
			this.inProgress.remove(node);
			long[] result = { size, depth };
			this.measured.put(node, result);
			return result;
		}

		private static List<Node> children(Node node) {
			if (node instanceof SequenceNode sequence) {
				return sequence.getValue();
			}
			if (node instanceof MappingNode mapping) {
				List<Node> children = new ArrayList<>(mapping.getValue().size() * 2);
				for (NodeTuple tuple : mapping.getValue()) {
					children.add(tuple.getKeyNode());
					children.add(tuple.getValueNode());
				}
				return children;
			}
			return List.of();
		}

	}

	private record PathContent(PathState state, Map<String, Object> properties, byte[] digest) {

		static PathContent missing(WatchedPath path) {
			return new PathContent(new PathState(path, PathKind.MISSING, false, null, 0, List.of()), Map.of(),
					new byte[0]);
		}

	}

	/**
	 * A file resource whose content was already read, so that it is parsed from exactly
	 * the bytes that were hashed. Origins keep pointing at the user-visible file.
	 */
	private static final class LoadedFileResource extends FileSystemResource {

		private byte @Nullable [] content;

		LoadedFileResource(Path visible, byte[] content) {
			super(visible);
			this.content = content;
		}

		@Override
		public InputStream getInputStream() throws IOException {
			byte[] content = this.content;
			if (content == null) {
				throw new IOException("Content of " + getDescription() + " was already parsed");
			}
			this.content = null;
			return new ByteArrayInputStream(content);
		}

	}

}
