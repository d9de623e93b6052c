package io.configlag.autoconfigure;

import io.configlag.mount.ConfigSnapshot;
import io.configlag.mount.MountedConfigPropertySource;
import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Loads the paths in {@code config.lag.paths} into the {@code Environment} right after
 * Spring Boot's own config data, so that their values are there before any bean binds. A
 * path that does not exist and is not {@code optional:} fails the startup, and so does a
 * file that cannot be parsed.
 *
 * @author The config-lag developers
 */
public class ConfigLagEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * The order: right after {@link ConfigDataEnvironmentPostProcessor}.
	 */
	public static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	private final Log logger;

	/**
	 * Create a new instance.
	 * @param logFactory the log factory
	 */
	public ConfigLagEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(ConfigLagEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (MountedConfigPropertySource.get(environment) != null) {
			return;
		}
		ConfigLagProperties properties = bind(environment);
		if (!properties.isEnabled() || properties.getPaths().isEmpty()) {
			return;
		}
		MountedConfigReader reader = createReader(environment, properties);
		ConfigSnapshot snapshot = reader.read();
		new MountedConfigPropertySource(snapshot).addTo(environment, properties.getPrecedence());
		if (this.logger.isInfoEnabled()) {
			this.logger.info("Loaded config version " + snapshot.version() + " (" + snapshot.properties().size()
					+ " keys) from " + properties.getPaths());
		}
	}

	static ConfigLagProperties bind(ConfigurableEnvironment environment) {
		return Binder.get(environment)
			.bind("config.lag", ConfigLagProperties.class)
			.orElseGet(ConfigLagProperties::new);
	}

	static MountedConfigReader createReader(ConfigurableEnvironment environment, ConfigLagProperties properties) {
		return new MountedConfigReader(WatchedPath.of(properties.getPaths()), properties.getMaxFileSize().toBytes(),
				environment);
	}

}
