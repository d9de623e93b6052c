package io.configlag.autoconfigure;

import java.nio.file.FileSystems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.configlag.WatchStatus;
import io.configlag.mount.MountChecks;
import io.configlag.mount.MountedConfigReader;
import io.configlag.reload.ConfigReloader;
import io.configlag.reload.DefaultConfigReloadService;
import io.configlag.reload.LoggingLevelUpdater;
import io.configlag.reload.PropertiesBeanRebinder;
import io.configlag.reload.ReloadApplier;
import io.configlag.reload.ReloadConsistency;
import io.configlag.reload.ReloadExecution;
import io.configlag.reload.RestartKeys;
import io.configlag.reload.RestartStrategy;
import io.configlag.reload.StartupChecks;
import io.configlag.reload.ValueObjectBeans;
import io.configlag.rollout.ActuatorHealthCheck;
import io.configlag.rollout.HealthCheck;
import io.configlag.rollout.Rollout;
import io.configlag.watch.ConfigWatcher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that watches the paths in {@code config.lag.paths} and applies
 * their changes to the running application.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(after = { RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class })
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
	static ValueObjectBeans configLagValueObjectBeans() {
		return new ValueObjectBeans();
	}

	@Bean
	ConfigReloader configLagReloader(ConfigurableApplicationContext context, ConfigLagProperties properties,
			ObjectProvider<ReloadApplier> appliers, ObjectProvider<ReloadExecution> execution,
			ReloadConsistency consistency) {
		ConfigurableEnvironment environment = context.getEnvironment();
		MountedConfigReader reader = ConfigLagEnvironmentPostProcessor.createReader(environment, properties);
		List<ReloadApplier> all = new ArrayList<>();
		all.add(new LoggingLevelUpdater(environment, context.getBeanFactory()));
		appliers.orderedStream().forEach(all::add);
		return new ConfigReloader(environment, reader,
				new PropertiesBeanRebinder(context, properties.getReload().getNeverRebind()), all, context,
				execution.getIfAvailable(() -> ReloadExecution.DIRECT), consistency,
				new RestartKeys(properties.getReload().getRestartKeys(), properties.getReload().getLiveKeys()),
				Clock.systemUTC());
	}

	@Bean
	Rollout configLagRollout(ConfigReloader reloader, ConfigLagProperties properties,
			ObjectProvider<HealthCheck> healthCheck) {
		ConfigLagProperties.Rollout rollout = properties.getRollout();
		return new Rollout(reloader, rollout.getSpread(), rollout.getVerifyFor(), rollout.getCheckInterval(),
				rollout.getVerifyFor().isZero() ? null : healthCheck.getIfAvailable(), Clock.systemUTC());
	}

	@Bean
	DefaultConfigReloadService configReloadService(ConfigReloader reloader, Rollout rollout,
			ObjectProvider<ConfigWatcher> watcher, ObjectProvider<StartupChecks> startupChecks) {
		return new DefaultConfigReloadService(reloader, rollout::reloadNow, rollout::getStatus, () -> {
			ConfigWatcher current = watcher.getIfAvailable();
			return (current != null) ? current.getStatus() : WatchStatus.OFF;
		}, () -> {
			StartupChecks checks = startupChecks.getIfAvailable();
			List<String> warnings = new ArrayList<>((checks != null) ? checks.getWarnings() : List.of());
			ConfigWatcher current = watcher.getIfAvailable();
			String problem = (current != null) ? current.getStatus().problem() : null;
			if (problem != null) {
				warnings.add(problem);
			}
			return warnings;
		});
	}

	@Bean
	StartupChecks configLagStartupChecks(ConfigReloader reloader, ConfigLagProperties properties) {
		return new StartupChecks(reloader, properties.getStrategy(), MountChecks.MOUNT_INFO);
	}

	@Bean
	RestartStrategy configLagRestartStrategy(ConfigurableApplicationContext context, ConfigLagProperties properties) {
		return new RestartStrategy(context, properties.getStrategy(), properties.getRestartDelay());
	}

	@Bean
	@ConditionalOnMissingBean
	ConfigWatcher configLagWatcher(ConfigReloader reloader, Rollout rollout, ConfigLagProperties properties) {
		ConfigLagProperties.Watch watch = properties.getWatch();
		return new ConfigWatcher(reloader, rollout::reload, watch.getMode(), watch.getPollInterval(),
				watch.getQuietPeriod(), watch.getCheckInterval(), FileSystems.getDefault()::newWatchService);
	}

	/**
	 * The rollout's health check through Actuator's health endpoint.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.actuate.endpoint.HealthEndpoint")
	static class RolloutHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(HealthCheck.class)
		ActuatorHealthCheck configLagRolloutHealthCheck(ObjectProvider<HealthEndpoint> endpoint,
				ObjectProvider<HealthEndpointGroups> groups, ObjectProvider<HealthContributorRegistry> registry,
				ConfigLagProperties properties) {
			return new ActuatorHealthCheck(endpoint, groups, registry, properties.getRollout().getHealthGroup());
		}

	}

}
