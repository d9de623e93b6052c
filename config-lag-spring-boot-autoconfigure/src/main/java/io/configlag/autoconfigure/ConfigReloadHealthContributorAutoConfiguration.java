package io.configlag.autoconfigure;

import java.time.Clock;

import io.configlag.ConfigReloadService;
import io.configlag.health.ConfigReloadHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@code configReload} health indicator.
 * {@code management.health.configreload.enabled=false} turns it off.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(after = ConfigLagAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(Health.class)
@ConditionalOnBean(ConfigReloadService.class)
@EnableConfigurationProperties(ConfigReloadHealthIndicatorProperties.class)
public final class ConfigReloadHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnEnabledHealthIndicator("configreload")
	@ConditionalOnMissingBean(name = "configReloadHealthIndicator")
	ConfigReloadHealthIndicator configReloadHealthIndicator(ConfigReloadService service,
			ConfigReloadHealthIndicatorProperties properties) {
		return new ConfigReloadHealthIndicator(service, new Status(properties.getRejectedStatus().trim()),
				Clock.systemUTC());
	}

}
