package io.configlag.rollout;

import java.nio.file.Path;
import java.util.Map;

import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadHealthContributorAutoConfiguration;
import io.configlag.health.ConfigReloadHealthIndicator;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ActuatorHealthCheck}: the overall health or a group's, through the
 * health endpoint, without config-lag's own indicator.
 */
@InjectsFaults
@ExtendWith(OutputCaptureExtension.class)
class ActuatorHealthCheckTests {

	@TempDir
	Path temp;

	private KubeletVolume config;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createVolume() {
		this.config = KubeletVolume.configMap(this.temp.resolve("config"));
		this.config.write(Map.of("config.yaml", "app:\n  healthy: false\n"));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadHealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class))
			.withUserConfiguration(RolloutApp.class)
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=1h", "management.endpoints.web.exposure.include=health",
					"management.endpoint.health.group.pings.include=ping");
	}

	@Test
	void readsTheOverallHealthAndNamesTheContributorsThatAreNotUp() {
		this.runner.run((context) -> {
			HealthCheck.Sample sample = context.getBean(ActuatorHealthCheck.class).check();
			assertThat(sample).isNotNull();
			assertThat(sample.status()).isEqualTo("DOWN");
			assertThat(sample.isUp()).isFalse();
			assertThat(sample.notUp()).containsExactly("app");
			assertThat(context.getBean(ActuatorHealthCheck.class).description()).isEqualTo("health");
		});
	}

	@Test
	void readsAHealthGroup() {
		this.runner.withPropertyValues("config.lag.rollout.health-group=pings").run((context) -> {
			ActuatorHealthCheck check = context.getBean(ActuatorHealthCheck.class);
			HealthCheck.Sample sample = check.check();
			assertThat(sample).isNotNull();
			assertThat(sample.isUp()).isTrue();
			assertThat(sample.notUp()).isEmpty();
			assertThat(check.description()).isEqualTo("health group 'pings'");
		});
	}

	@Test
	void leavesConfigLagsOwnIndicatorOut() {
		this.config.write(Map.of("config.yaml", "app:\n  healthy: true\n"));
		this.runner.withPropertyValues("management.health.configreload.rejected-status=DOWN").run((context) -> {
			this.config.write(Map.of("config.yaml", "app:\n  healthy: [true\n"));
			assertThat(context.getBean(ConfigReloadService.class).reload().outcome()).isEqualTo(ReloadOutcome.REJECTED);
			assertThat(context.getBean(ConfigReloadHealthIndicator.class).health(false).getStatus().getCode())
				.isEqualTo("DOWN");
			HealthCheck.Sample sample = context.getBean(ActuatorHealthCheck.class).check();
			assertThat(sample).isNotNull();
			assertThat(sample.isUp()).isTrue();
		});
	}

	@Test
	void cannotReadAnUnknownGroupAndSaysSo(CapturedOutput output) {
		this.runner.withPropertyValues("config.lag.rollout.health-group=missing").run((context) -> {
			assertThat(context.getBean(ActuatorHealthCheck.class).check()).isNull();
			assertThat(output).contains("config.lag.rollout.health-group 'missing' is not a health group", "pings");
		});
	}

	@Test
	void backsOffWithoutTheHealthModule() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.rollout.verify-for=10s")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ActuatorHealthCheck.class);
				assertThat(context.getBean(Rollout.class).isActive()).isFalse();
			});
	}

}
