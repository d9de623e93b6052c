package io.configlag.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.configlag.mount.MountedConfigPropertySource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.util.SystemPropertyUtils;

/**
 * Tells whether the value of a property named in a start-up failure was read from a
 * mounted file: the property is in the {@link MountedConfigPropertySource}, or its value
 * is a {@code ${...}} placeholder that resolves, directly or through other placeholders,
 * to a property that is (a packaged {@code app.password=${db.password}} binds a Secret).
 *
 * @author The config-lag developers
 */
final class MountedValues {

	/**
	 * The name of the source Spring Boot attaches to the {@code Environment}, which
	 * adapts all the others.
	 */
	private static final String ATTACHED_SOURCE_NAME = "configurationProperties";

	private static final PropertyPlaceholderHelper PLACEHOLDERS = new PropertyPlaceholderHelper(
			SystemPropertyUtils.PLACEHOLDER_PREFIX, SystemPropertyUtils.PLACEHOLDER_SUFFIX,
			SystemPropertyUtils.VALUE_SEPARATOR, SystemPropertyUtils.ESCAPE_CHARACTER, true);

	private final @Nullable ConfigurableEnvironment environment;

	MountedValues(@Nullable Environment environment) {
		this.environment = (environment instanceof ConfigurableEnvironment configurable) ? configurable : null;
	}

	/**
	 * Tell whether a bound property's value was read from a mounted file.
	 * @param property the property
	 * @return whether its value comes from a mounted file
	 */
	boolean isMounted(ConfigurationProperty property) {
		ConfigurationPropertySource source = property.getSource();
		if (source != null && source.getUnderlyingSource() instanceof MountedConfigPropertySource) {
			return true;
		}
		return isMounted(property.getOrigin()) || refersToMounted(property.getValue());
	}

	/**
	 * Tell whether the value of the property at an origin was read from a mounted file.
	 * @param origin the origin of the property, as the binder records it
	 * @return whether its value comes from a mounted file
	 */
	boolean isMounted(@Nullable Origin origin) {
		if (origin instanceof PropertySourceOrigin propertySourceOrigin) {
			PropertySource<?> source = propertySourceOrigin.getPropertySource();
			return source instanceof MountedConfigPropertySource
					|| refersToMounted(source.getProperty(propertySourceOrigin.getPropertyName()));
		}
		return false;
	}

	/**
	 * Tell whether the value of a property, as the {@code Environment} resolves it, was
	 * read from a mounted file.
	 * @param name the name of the property
	 * @return whether its value comes from a mounted file
	 */
	boolean isMounted(String name) {
		PropertySource<?> source = find(name);
		return source != null
				&& (source instanceof MountedConfigPropertySource || refersToMounted(source.getProperty(name)));
	}

	/**
	 * Return the origin of a property as the {@code Environment} resolves it.
	 * @param name the name of the property
	 * @return its origin or {@code null}
	 */
	@Nullable Origin origin(String name) {
		PropertySource<?> source = find(name);
		return (source != null) ? OriginLookup.getOrigin(source, name) : null;
	}

	/**
	 * Return the mounted properties that have the given value, for a failure that quotes
	 * a value but does not say which property it came from (Spring's
	 * {@code TypeMismatchException} of an {@code @Value} injection).
	 * @param value the value
	 * @return the names of the mounted properties with that value, with their origins
	 */
	Map<String, @Nullable Origin> withValue(@Nullable Object value) {
		MountedConfigPropertySource source = (this.environment != null)
				? MountedConfigPropertySource.get(this.environment) : null;
		if (source == null || !(value instanceof String)) {
			return Map.of();
		}
		Map<String, @Nullable Origin> found = new LinkedHashMap<>();
		for (String name : source.getPropertyNames()) {
			if (value.equals(source.getProperty(name))) {
				found.put(name, source.getOrigin(name));
			}
		}
		return found;
	}

	/**
	 * Tell whether a value is a placeholder that resolves through a mounted property.
	 * @param value the raw value
	 * @return whether a mounted property is referred to
	 */
	boolean refersToMounted(@Nullable Object value) {
		if (this.environment == null || !(value instanceof String text)
				|| !text.contains(SystemPropertyUtils.PLACEHOLDER_PREFIX)) {
			return false;
		}
		AtomicBoolean mounted = new AtomicBoolean();
		try {
			PLACEHOLDERS.replacePlaceholders(text, (name) -> {
				PropertySource<?> source = find(name);
				if (source == null) {
					return null;
				}
				mounted.compareAndSet(false, source instanceof MountedConfigPropertySource);
				Object raw = source.getProperty(name);
				return (raw != null) ? raw.toString() : null;
			});
		}
		catch (IllegalArgumentException ex) {
			// A circular reference: what was seen until then decides
		}
		return mounted.get();
	}

	private @Nullable PropertySource<?> find(String name) {
		if (this.environment == null) {
			return null;
		}
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!ATTACHED_SOURCE_NAME.equals(source.getName()) && source.containsProperty(name)) {
				return source;
			}
		}
		return null;
	}

}
