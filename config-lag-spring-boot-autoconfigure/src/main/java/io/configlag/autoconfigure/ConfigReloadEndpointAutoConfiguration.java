package io.configlag.autoconfigure;

import io.configlag.ConfigReloadService;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint;
import io.configlag.actuate.endpoint.ConfigReloadEndpointWebExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link ConfigReloadEndpoint}.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(after = ConfigLagAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(ConfigReloadService.class)
@EnableConfigurationProperties(ConfigReloadEndpointProperties.class)
public final class ConfigReloadEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	ConfigReloadEndpoint configReloadEndpoint(ConfigReloadService service, ConfigurableEnvironment environment,
			ConfigReloadEndpointProperties properties, ObjectProvider<SanitizingFunction> sanitizingFunctions) {
		return new ConfigReloadEndpoint(service, environment, sanitizingFunctions.orderedStream().toList(),
				properties.getShowValues());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ConfigReloadEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ConfigReloadEndpointWebExtension configReloadEndpointWebExtension(ConfigReloadEndpoint endpoint,
			ConfigReloadEndpointProperties properties) {
		return new ConfigReloadEndpointWebExtension(endpoint, properties.getShowValues(), properties.getRoles());
	}

}
