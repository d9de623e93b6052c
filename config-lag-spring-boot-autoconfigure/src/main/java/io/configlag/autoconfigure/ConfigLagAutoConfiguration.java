package io.configlag.autoconfigure;

import io.configlag.mount.MountChecks;
import io.configlag.mount.MountedConfigReader;
import io.configlag.reload.ConfigReloader;
import io.configlag.reload.LoggingLevelUpdater;
import io.configlag.reload.PropertiesBeanRebinder;
import io.configlag.reload.ReloadConsistency;
import io.configlag.reload.ReloadExecution;
import io.configlag.reload.RestartStrategy;
import io.configlag.reload.StartupChecks;
import io.configlag.watch.ConfigWatcher;

import java.nio.file.FileSystems;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that watches the paths in {@code config.lag.paths} and applies
 * their changes to the running application.
 *
 * @author config-lag
 */
@AutoConfiguration(after = RefreshAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "config.lag.enabled", matchIfMissing = true)
@Conditional(OnConfigLagPathsCondition.class)
@EnableConfigurationProperties(ConfigLagProperties.class)
public final class ConfigLagAutoConfiguration {

	@Bean
	static MountedConfigSourceInstaller configLagPropertySourceInstaller(ConfigurableEnvironment environment) {
		return new MountedConfigSourceInstaller(environment);
	}

	@Bean
	static ReloadConsistency configLagReloadConsistency() {
		return new ReloadConsistency();
	}

	@Bean
	@ConditionalOnMissingBean
	ConfigReloader configLagReloader(ConfigurableApplicationContext context, ConfigLagProperties properties,
			ObjectProvider<RefreshScope> refreshScope, ObjectProvider<ReloadExecution> execution,
			ReloadConsistency consistency) {
		ConfigurableEnvironment environment = context.getEnvironment();
		MountedConfigReader reader = ConfigLagEnvironmentPostProcessor.createReader(environment, properties);
		return new ConfigReloader(environment, reader, new PropertiesBeanRebinder(context),
				new LoggingLevelUpdater(environment, context.getBeanFactory()), refreshScope, context,
				execution.getIfAvailable(() -> ReloadExecution.DIRECT), consistency, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	StartupChecks configLagStartupChecks(ConfigReloader reloader, ConfigLagProperties properties) {
		return new StartupChecks(reloader, properties.getStrategy(), MountChecks.MOUNT_INFO);
	}

	@Bean
	@ConditionalOnMissingBean
	RestartStrategy configLagRestartStrategy(ConfigurableApplicationContext context, ConfigLagProperties properties) {
		return new RestartStrategy(context, properties.getStrategy(), properties.getRestartDelay());
	}

	@Bean
	@ConditionalOnMissingBean
	ConfigWatcher configLagWatcher(ConfigReloader reloader, ConfigLagProperties properties) {
		ConfigLagProperties.Watch watch = properties.getWatch();
		return new ConfigWatcher(reloader, watch.getMode(), watch.getPollInterval(), watch.getQuietPeriod(),
				watch.getCheckInterval(), FileSystems.getDefault()::newWatchService);
	}

}
