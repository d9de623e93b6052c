package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.health.ConfigReloadHealthIndicator;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.watch.ConfigWatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigReloadHealthContributorAutoConfiguration} and the
 * {@link ConfigReloadHealthIndicator} it creates.
 */
@InjectsFaults
class ConfigReloadHealthContributorAutoConfigurationTests {

	@TempDir
	Path temp;

	private KubeletVolume config;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createVolume() {
		this.config = KubeletVolume.configMap(this.temp.resolve("config"));
		this.config.write(Map.of("config.yaml", "app:\n  name: v0\n"));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadHealthContributorAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.reload.live-keys=app.*,db.*",
					"config.lag.watch.mode=polling", "config.lag.watch.poll-interval=1h");
	}

	@Test
	void healthIndicatorIsAutoConfigured() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ConfigReloadHealthIndicator.class)
			.hasBean("configReloadHealthIndicator"));
	}

	@Test
	void backsOffWithoutHealthModule() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigReloadHealthIndicator.class));
	}

	@Test
	void backsOffWithoutConfigLag() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadHealthIndicator.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("management.health.configreload.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadHealthIndicator.class));
	}

	@Test
	void backsOffWhenAllDefaultIndicatorsAreDisabled() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadHealthIndicator.class));
	}

	@Test
	void backsOffOnUserHealthIndicator() {
		this.runner.withUserConfiguration(UserHealthIndicatorConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadHealthIndicator.class)
				.hasBean("configReloadHealthIndicator"));
	}

	@Test
	void upWithVersionBeforeAnyReload() {
		this.runner.run((context) -> {
			stopWatching(context);
			Health health = context.getBean(ConfigReloadHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			String version = context.getBean(ConfigReloader.class).current().version();
			assertThat(health.getDetails()).containsEntry("version", version)
				.containsEntry("lastOutcome", "none")
				.containsEntry("stale", false);
		});
	}

	@Test
	void rejectedReloadStaysUpByDefaultAndReportsStaleness() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			String version = reloader.current().version();
			this.config.write(Map.of("config.yaml", "app:\n  name: [v1\n"));
			ConfigReloadResult first = reloader.reload(ReloadTrigger.MANUAL);
			ConfigReloadResult second = reloader.reload(ReloadTrigger.MANUAL);
			assertThat(second.outcome()).isEqualTo(ReloadOutcome.REJECTED);
			Health health = context.getBean(ConfigReloadHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("version", version)
				.containsEntry("lastOutcome", "rejected")
				.containsEntry("stale", true)
				.containsKeys("staleSince", "staleFor", "error");
			// The staleness starts at the first rejection, not the last
			assertThat(health.getDetails().get("staleSince")).isEqualTo(first.startedAt());
			assertThat(health.getDetails().get("error").toString()).doesNotContain("[v1");
		});
	}

	@Test
	void rejectedStatusIsConfigurable() {
		this.runner.withPropertyValues("management.health.configreload.rejected-status=OUT_OF_SERVICE")
			.run((context) -> {
				stopWatching(context);
				ConfigReloader reloader = context.getBean(ConfigReloader.class);
				HealthIndicator indicator = context.getBean(ConfigReloadHealthIndicator.class);
				this.config.write(Map.of("config.yaml", "app:\n  name: [v1\n"));
				reloader.reload(ReloadTrigger.MANUAL);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				this.config.write(Map.of("config.yaml", "app:\n  name: v2\n"));
				reloader.reload(ReloadTrigger.MANUAL);
				Health health = indicator.health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("lastOutcome", "applied")
					.containsEntry("stale", false)
					.doesNotContainKeys("staleSince", "error");
			});
	}

	@Test
	void restartKeysAreShownUntilTheApplicationRestarts() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			HealthIndicator indicator = context.getBean(ConfigReloadHealthIndicator.class);
			assertThat(indicator.health().getDetails()).doesNotContainKey("restartRequired");
			this.config.write(Map.of("config.yaml", "app:\n  name: v0\nserver:\n  port: 9090\n"));
			assertThat(reloader.reload(ReloadTrigger.MANUAL).outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\nserver:\n  port: 9090\n"));
			assertThat(reloader.reload(ReloadTrigger.MANUAL).outcome()).isEqualTo(ReloadOutcome.APPLIED);
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("lastOutcome", "applied")
				.containsEntry("restartRequired", Set.of("server.port"));
		});
	}

	private static void stopWatching(ConfigurableApplicationContext context) {
		context.getBean(ConfigWatcher.class).stop();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		@Bean
		HealthIndicator configReloadHealthIndicator() {
			return () -> Health.up().build();
		}

	}

}
