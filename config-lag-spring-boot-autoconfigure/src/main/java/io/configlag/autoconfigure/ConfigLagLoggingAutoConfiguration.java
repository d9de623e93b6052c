package io.configlag.autoconfigure;

import io.configlag.cloud.ConfigLagLoggingRebinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.logging.LoggingRebinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that keeps Spring Cloud's {@link LoggingRebinder} from rebinding
 * every logging level again after each config-lag reload. It takes the
 * {@code @ConditionalOnMissingBean} slot of {@link RefreshAutoConfiguration}'s rebinder.
 *
 * @author config-lag
 */
@AutoConfiguration(before = RefreshAutoConfiguration.class)
@ConditionalOnClass(LoggingRebinder.class)
@ConditionalOnBooleanProperty(name = "config.lag.enabled", matchIfMissing = true)
@Conditional(OnConfigLagPathsCondition.class)
public final class ConfigLagLoggingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static LoggingRebinder loggingRebinder() {
		return new ConfigLagLoggingRebinder();
	}

}
