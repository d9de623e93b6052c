package io.configlag.autoconfigure;

import io.configlag.mount.WatchedPath;
import io.configlag.ssl.SslBundleApplier;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that takes new versions of SSL bundles, and of the certificate
 * files they read from a watched path, to Spring Boot's {@link SslBundleRegistry}
 * ({@link SslBundleApplier}). Spring Boot's {@code DefaultSslBundleRegistry} is both the
 * registry and the {@link SslBundles}.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnBean({ SslBundleRegistry.class, SslBundles.class })
@ConditionalOnBooleanProperty(name = "config.lag.enabled", matchIfMissing = true)
@Conditional(OnConfigLagPathsCondition.class)
@EnableConfigurationProperties(ConfigLagProperties.class)
public final class ConfigLagSslAutoConfiguration {

	@Bean
	SslBundleApplier configLagSslBundleApplier(ConfigurableEnvironment environment, SslBundleRegistry registry,
			SslBundles bundles, ResourceLoader resourceLoader, ConfigLagProperties properties) {
		// Resources read as Spring Boot's SslAutoConfiguration reads them
		return new SslBundleApplier(environment, registry, bundles, ApplicationResourceLoader.get(resourceLoader, true),
				WatchedPath.of(properties.getPaths()));
	}

}
