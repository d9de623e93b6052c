package io.configlag.mount;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import org.springframework.boot.env.ConfigTreePropertySource;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Parses the content of one mounted file into its properties, as Spring Boot's config
 * data reads the same file: {@code .properties}, {@code .yml} and {@code .yaml} files
 * with Boot's {@link PropertySourceLoader}s, keeping the documents
 * {@link DocumentActivation active} for the {@code Environment} (their
 * {@code spring.config.activate.*} properties included, as Boot adds them to the
 * {@code Environment} too), any other file as one config-tree entry, as
 * {@link ConfigTreePropertySource} with
 * {@link ConfigTreePropertySource.Option#AUTO_TRIM_TRAILING_NEW_LINE} (what a
 * {@code configtree:} import uses) reads it. Values are kept as Boot keeps them, as
 * {@link OriginTrackedValue}s.
 *
 * @author The config-lag developers
 */
final class MountedFileParser {

	/**
	 * The origin Boot's {@link ConfigTreePropertySource} gives a config-tree entry.
	 */
	private static final Location START_OF_FILE = new Location(0, 0);

	/**
	 * Messages of parser failures that never contain a property value; any other message
	 * is replaced by the exception's type (SnakeYAML and the JDK put values in theirs).
	 */
	private static final List<String> VALUE_FREE_MESSAGES = List.of("Malformed \\uxxxx encoding.",
			"Nesting Depth exceeded max", "Number of aliases for non-scalar nodes exceeds",
			"The incoming YAML document exceeds the limit");

	private final PropertySourceLoader yamlLoader = new YamlPropertySourceLoader();

	private final PropertySourceLoader propertiesLoader = new PropertiesPropertySourceLoader();

	private final DocumentActivation activation;

	MountedFileParser(ConfigurableEnvironment environment) {
		this.activation = new DocumentActivation(environment);
	}

	/**
	 * Parse a file.
	 * @param relativeName the file's name relative to the watched path (its own name for
	 * a watched file)
	 * @param visible the file as the user sees it, named in origins and messages
	 * @param content the file's content
	 * @return the properties of its active documents, later documents overriding earlier
	 * ones, values as {@link OriginTrackedValue}s
	 */
	Map<String, Object> parse(String relativeName, Path visible, byte[] content) {
		String lowerCaseName = relativeName.toLowerCase(Locale.ROOT);
		String text = decode(visible, content);
		if (lowerCaseName.endsWith(".yaml") || lowerCaseName.endsWith(".yml")) {
			return parseDocuments(this.yamlLoader, "YAML", visible, content, text);
		}
		if (lowerCaseName.endsWith(".properties")) {
			return parseDocuments(this.propertiesLoader, "properties", visible, content, text);
		}
		Assert.state(isConfigTreeEntry(relativeName), "Not a config-tree entry");
		TextResourceOrigin origin = new TextResourceOrigin(new FileSystemResource(visible), START_OF_FILE);
		Map<String, Object> entry = new LinkedHashMap<>(2);
		entry.put(relativeName.replace('/', '.'), OriginTrackedValue.of(configTreeValue(text), origin));
		return entry;
	}

	/**
	 * Tell whether a file is a config-tree entry rather than a file that is parsed.
	 * @param relativeName the file's name
	 * @return whether it is neither a YAML nor a properties file
	 */
	static boolean isConfigTreeEntry(String relativeName) {
		String lowerCaseName = relativeName.toLowerCase(Locale.ROOT);
		return !lowerCaseName.endsWith(".yaml") && !lowerCaseName.endsWith(".yml")
				&& !lowerCaseName.endsWith(".properties");
	}

	/**
	 * Tell whether the config-tree entries of a watched path are active. Spring Boot
	 * reads a {@code configtree:} directory as one property source, and activates it as a
	 * whole by the {@code spring.config.activate.*} entries it holds, like any other
	 * document.
	 * @param entries the config-tree entries of one watched path
	 * @param path the watched path, for messages
	 * @return whether they are used
	 */
	boolean isActiveConfigTree(Map<String, Object> entries, Path path) {
		return entries.isEmpty() || this.activation
			.isActive(new OriginTrackedMapPropertySource(path.toString(), entries), "config tree", path);
	}

	private static String decode(Path visible, byte[] content) {
		for (int i = 0; i < content.length; i++) {
			if (content[i] == 0) {
				throw new ConfigLoadException(visible,
						"Config file '" + visible + "' contains a NUL byte at offset " + i + " (binary data?)");
			}
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(content))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new ConfigLoadException(visible, "Config file '" + visible + "' is not valid UTF-8 text", ex);
		}
	}

	private Map<String, Object> parseDocuments(PropertySourceLoader loader, String format, Path visible, byte[] content,
			String text) {
		if (!StringUtils.hasText(text)) {
			throw new ConfigLoadException(visible, "Config file '" + visible
					+ "' is empty; an empty file is treated as a failed write, not as the removal of every key");
		}
		List<PropertySource<?>> documents;
		try {
			if (loader == this.yamlLoader) {
				YamlAliasCheck.check(visible, text);
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
			if (document instanceof OriginTrackedMapPropertySource map
					&& this.activation.isActive(map, format, visible)) {
				properties.putAll(map.getSource());
			}
		}
		return properties;
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
	 * Return the value of a config-tree file, as Spring Boot's
	 * {@code ConfigTreePropertySource} with {@code AUTO_TRIM_TRAILING_NEW_LINE} returns
	 * it: a single trailing new line is removed from a single-line value.
	 * @param content the content of the file
	 * @return the value of the entry
	 */
	static String configTreeValue(String content) {
		if (!content.endsWith("\n") || content.indexOf('\n') != content.length() - 1) {
			return content;
		}
		return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
				: content.substring(0, content.length() - 1);
	}

	/**
	 * A file resource whose content was already read, so that it is parsed from exactly
	 * the bytes that were hashed. Origins keep pointing at the user-visible file, and the
	 * content is dropped once it has been parsed.
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
