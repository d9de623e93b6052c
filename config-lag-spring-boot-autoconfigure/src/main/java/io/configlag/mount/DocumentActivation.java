package io.configlag.mount;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.util.ObjectUtils;

/**
 * Tells whether a document of a mounted file is active, as Spring Boot's config data
 * decides it for a document of an imported file.
 * <p>
 * Copies the logic of Spring Boot's package-private
 * {@code org.springframework.boot.context.config.ConfigDataProperties.Activate} and
 * {@code ConfigDataActivationContext}, which cannot be used from outside their package:
 * {@code spring.config.activate.on-cloud-platform} and
 * {@code spring.config.activate.on-profile} are bound with Boot's {@link Binder} (so a
 * platform is written as Boot accepts it and the profiles as a comma-separated value or a
 * list), a document is active when its platform is the active one (
 * {@link CloudPlatform#NONE} when none is) and its profile expressions match the accepted
 * profiles. The active platform is {@link CloudPlatform#getActive(Environment)}, which
 * gives an enforced {@code spring.main.cloud-platform} precedence as Boot's activation
 * context does; the accepted profiles are the {@code Environment}'s active profiles, or
 * its default profiles when none is active, which is what Boot's
 * {@code Profiles.isAccepted} and {@link Environment#acceptsProfiles(Profiles)} both
 * test.
 * <p>
 * Only the document's properties under {@code spring.config.activate} are handed to the
 * binder, picked by the {@link ConfigurationPropertyName} Boot maps each name to: a
 * binder over the whole document would first map every one of its names (the cache of
 * Boot's adapter), which costs more than a reload of the file does otherwise.
 *
 * @author The config-lag developers
 */
final class DocumentActivation {

	private static final ConfigurationPropertyName ON_PROFILE = ConfigurationPropertyName
		.of("spring.config.activate.on-profile");

	private static final ConfigurationPropertyName ACTIVATE = ConfigurationPropertyName.of("spring.config.activate");

	private static final ConfigurationPropertyName ON_CLOUD_PLATFORM = ConfigurationPropertyName
		.of("spring.config.activate.on-cloud-platform");

	private final ConfigurableEnvironment environment;

	DocumentActivation(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * Tell whether a document is active.
	 * @param document the document
	 * @param format the file's format, for messages
	 * @param visible the file, for messages
	 * @return whether its properties are used
	 * @throws ConfigLoadException if its activation properties cannot be bound or its
	 * profile expression is invalid
	 */
	boolean isActive(EnumerablePropertySource<?> document, String format, Path visible) {
		Map<String, Object> activation = activationProperties(document);
		if (activation.isEmpty()) {
			return true;
		}
		Binder binder = new Binder(
				ConfigurationPropertySources.from(new MapPropertySource(document.getName(), activation)),
				new PropertySourcesPlaceholdersResolver(this.environment));
		CloudPlatform onCloudPlatform = bind(binder, ON_CLOUD_PLATFORM, CloudPlatform.class, format, visible);
		String[] onProfile = bind(binder, ON_PROFILE, String[].class, format, visible);
		if (onCloudPlatform != null && onCloudPlatform != activeCloudPlatform()) {
			return false;
		}
		if (ObjectUtils.isEmpty(onProfile)) {
			return true;
		}
		try {
			return this.environment.acceptsProfiles(Profiles.of(onProfile));
		}
		catch (RuntimeException ex) {
			// The cause quotes the expression, which may have come from a placeholder: it
			// is not chained
			throw new ConfigLoadException(visible, "Invalid " + format + " in '" + visible + "': " + ON_PROFILE
					+ " is not a valid profile expression");
		}
	}

	/*
	 * Return the document's properties whose names Boot maps under {@code
	 * spring.config.activate}, as its default property mapper maps them.
	 */
	private static Map<String, Object> activationProperties(EnumerablePropertySource<?> document) {
		Map<String, Object> activation = new LinkedHashMap<>();
		for (String name : document.getPropertyNames()) {
			Object value = document.getProperty(name);
			if (value != null && ACTIVATE.isAncestorOf(configurationPropertyName(name))) {
				activation.put(name, value);
			}
		}
		return activation;
	}

	private static ConfigurationPropertyName configurationPropertyName(String name) {
		try {
			return ConfigurationPropertyName.adapt(name, '.');
		}
		catch (RuntimeException ex) {
			return ConfigurationPropertyName.EMPTY;
		}
	}

	private CloudPlatform activeCloudPlatform() {
		CloudPlatform active = CloudPlatform.getActive(this.environment);
		return (active != null) ? active : CloudPlatform.NONE;
	}

	private static <T> @Nullable T bind(Binder binder, ConfigurationPropertyName name, Class<T> type, String format,
			Path visible) {
		try {
			return binder.bind(name, Bindable.of(type)).orElse(null);
		}
		catch (BindException ex) {
			// The cause quotes the value: it is not chained
			throw new ConfigLoadException(visible, "Invalid " + format + " in '" + visible + "': " + name
					+ " cannot be bound to " + type.getSimpleName());
		}
	}

}
