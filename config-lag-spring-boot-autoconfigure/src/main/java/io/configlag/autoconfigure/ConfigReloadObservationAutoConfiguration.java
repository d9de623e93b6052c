package io.configlag.autoconfigure;

import io.configlag.observation.ObservedReloadExecution;
import io.configlag.reload.ConfigReloader;
import io.configlag.reload.ReloadExecution;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that runs every reload in a {@code config.reload} Micrometer
 * observation when an {@link ObservationRegistry} exists. With a {@code MeterRegistry} it
 * gives the {@code config.reload} timer tagged with {@code outcome} and {@code trigger};
 * with a tracer, a span. {@code management.observations.enable.config.reload=false} turns
 * it off.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(after = ConfigLagAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, ConfigReloader.class })
public final class ConfigReloadObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ReloadExecution.class)
	ObservedReloadExecution configReloadObservedExecution(ObservationRegistry observationRegistry) {
		return new ObservedReloadExecution(observationRegistry);
	}

}
