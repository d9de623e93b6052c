package io.configlag.reload;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Decides which changed keys of an applied version take effect only when the application
 * restarts. A key requires a restart when it matches one of the start-up keys
 * ({@code config.lag.reload.restart-keys}: by default {@code server.*},
 * {@code spring.datasource.url}, {@code spring.datasource.driver-class-name},
 * {@code spring.jpa.*}, {@code management.*} and {@code config.lag.*}, which Spring Boot
 * and config-lag read once), or when no live consumer took it: no rebound bean of the
 * application's own, no {@link ReloadApplier} (logging levels, the refresh scope,
 * credentials, SSL bundles, the application's own) and no pattern of
 * {@code config.lag.reload.live-keys}, which declares keys the application reads from the
 * {@code Environment} each time it uses them.
 * <p>
 * A pattern is a property name, matched in any of Spring Boot's relaxed forms, or a name
 * followed by {@code .*}, which also matches every name below it.
 *
 * @author The config-lag developers
 */
public final class RestartKeys {

	/**
	 * The keys that Spring Boot and config-lag read only when the application starts.
	 */
	public static final List<String> DEFAULT_RESTART_KEYS = List.of("server.*", "spring.datasource.url",
			"spring.datasource.driver-class-name", "spring.jpa.*", "management.*", "config.lag.*");

	/**
	 * The keys of Spring Boot's own {@code @ConfigurationProperties} beans that Boot
	 * reads each time it uses them, so that rebinding the bean puts them into effect:
	 * {@code BasicErrorController} reads {@code WebProperties.getError()} on every error.
	 */
	static final List<String> BOOT_KEYS_READ_ON_USE = List.of("spring.web.error.*");

	private static final List<Pattern> BOOT_READ_ON_USE = BOOT_KEYS_READ_ON_USE.stream().map(Pattern::of).toList();

	static final String DECLARED_LIVE = "declared:config.lag.reload.live-keys";

	private final List<Pattern> restartKeys;

	private final List<Pattern> liveKeys;

	/**
	 * Create an instance.
	 * @param restartKeys the patterns of keys read only at start-up
	 * @param liveKeys the patterns of keys the application reads from the
	 * {@code Environment} each time it uses them
	 */
	public RestartKeys(Collection<String> restartKeys, Collection<String> liveKeys) {
		this.restartKeys = restartKeys.stream().map(Pattern::of).toList();
		this.liveKeys = liveKeys.stream().map(Pattern::of).toList();
	}

	/**
	 * Record the keys that match a {@code config.lag.reload.live-keys} pattern as taken
	 * by the application.
	 * @param keys the changed keys
	 * @param consumers where to record
	 */
	void recordDeclaredLive(Set<String> keys, LiveConsumers consumers) {
		consumers.took(DECLARED_LIVE, keys.stream().filter((key) -> matches(this.liveKeys, key)).toList());
	}

	/**
	 * Return the changed keys that take effect only after a restart.
	 * @param keys the changed keys, without config-lag's own metadata
	 * @param consumers the live consumers recorded by the reload
	 * @return the keys, sorted
	 */
	Set<String> requiringRestart(Collection<String> keys, LiveConsumers consumers) {
		Set<String> restart = new TreeSet<>();
		for (String key : keys) {
			if (!consumers.isLive(key) || isStartupKey(key)) {
				restart.add(key);
			}
		}
		return restart;
	}

	/**
	 * Return whether the given key matches a {@code config.lag.reload.restart-keys}
	 * pattern: the application reads it only when it starts.
	 * @param key the key
	 * @return whether it is a start-up key
	 */
	boolean isStartupKey(String key) {
		return matches(this.restartKeys, key);
	}

	/**
	 * Return whether Spring Boot reads the given key of one of its own beans each time it
	 * uses it ({@link #BOOT_KEYS_READ_ON_USE}).
	 * @param key the key
	 * @return whether rebinding Boot's bean puts it into effect
	 */
	static boolean isReadOnUseBySpringBoot(String key) {
		return matches(BOOT_READ_ON_USE, key);
	}

	private static boolean matches(List<Pattern> patterns, String key) {
		if (patterns.isEmpty()) {
			return false;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
		for (Pattern pattern : patterns) {
			if (pattern.matches(name)) {
				return true;
			}
		}
		return false;
	}

	private record Pattern(ConfigurationPropertyName name, boolean descendants) {

		static Pattern of(String pattern) {
			String trimmed = pattern.trim();
			boolean descendants = trimmed.endsWith(".*");
			String name = descendants ? trimmed.substring(0, trimmed.length() - 2) : trimmed;
			return new Pattern(ConfigurationPropertyName.adapt(name, '.'), descendants);
		}

		boolean matches(ConfigurationPropertyName key) {
			return this.name.equals(key) || (this.descendants && this.name.isAncestorOf(key));
		}

	}

}
