package io.configlag.autoconfigure;

import java.time.Clock;

import io.configlag.ConfigReloadService;
import io.configlag.metrics.ConfigReloadMeterBinder;
import io.configlag.metrics.ConfigReloadObservationMeterFilter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the reload meters ({@code config.reload.lag},
 * {@code config.reload.publish.lag}, {@code config.reload.last.success.timestamp},
 * {@code config.reload.info} and {@code config.reload.watched.files}) when a
 * {@link MeterRegistry} exists. {@code management.metrics.enable.config.reload=false}
 * turns them off.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(after = ConfigLagAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, ConfigReloadService.class })
public final class ConfigReloadMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConfigReloadMeterBinder configReloadMeterBinder(ConfigReloadService service) {
		return new ConfigReloadMeterBinder(service, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	ConfigReloadObservationMeterFilter configReloadObservationMeterFilter() {
		return new ConfigReloadObservationMeterFilter();
	}

}
