package io.configlag.rollout;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.RolloutStatus;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadEndpointAutoConfiguration;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Rollout}: the spread of a watched change, a newer version replacing a
 * pending one, manual reloads at once.
 */
class RolloutTests {

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
					ConfigReloadEndpointAutoConfiguration.class))
			.withUserConfiguration(RolloutApp.class)
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=50ms", "management.endpoints.web.exposure.include=configreload");
	}

	@Test
	void withoutSpreadOrVerificationEveryReloadGoesStraightToTheReloader() {
		this.runner.run((context) -> {
			assertThat(context.getBean(Rollout.class).isActive()).isFalse();
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			await().atMost(ReloadEvents.TIMEOUT).until(() -> name(context).equals("v1"));
			assertThat(context.getBean(ConfigReloadService.class).getRolloutStatus()).isEqualTo(RolloutStatus.NONE);
		});
	}

	@Test
	void spreadHoldsAWatchedChangeAndANewerVersionReplacesThePendingOne() {
		this.runner.withPropertyValues("config.lag.rollout.spread=1h").run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			String v0 = service.getCurrentVersion();
			Instant before = Instant.now();
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			await().atMost(ReloadEvents.TIMEOUT).until(() -> service.getRolloutStatus().pendingVersion() != null);
			RolloutStatus pending = service.getRolloutStatus();
			assertThat(pending.pendingAppliesAt()).isAfterOrEqualTo(before).isBefore(before.plusSeconds(3601));
			assertThat(name(context)).isEqualTo("v0");
			assertThat(service.getCurrentVersion()).isEqualTo(v0);
			ConfigReloadEndpoint.RolloutDescriptor shown = context.getBean(ConfigReloadEndpoint.class)
				.configReload()
				.rollout();
			assertThat(shown).isNotNull();
			assertThat(shown.pendingVersion()).isEqualTo(pending.pendingVersion());
			assertThat(shown.pendingAppliesAt()).isEqualTo(pending.pendingAppliesAt());
			this.config.write(Map.of("config.yaml", "app:\n  name: v2\n"));
			await().atMost(ReloadEvents.TIMEOUT)
				.until(() -> !pending.pendingVersion().equals(service.getRolloutStatus().pendingVersion()));
			RolloutStatus replaced = service.getRolloutStatus();
			assertThat(replaced.pendingVersion()).isNotNull();
			assertThat(replaced.pendingAppliesAt()).isEqualTo(pending.pendingAppliesAt());
			assertThat(name(context)).isEqualTo("v0");
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED)).isEmpty();
		});
	}

	@Test
	void aPendingVersionIsAppliedAtItsMoment() {
		this.runner.withPropertyValues("config.lag.rollout.spread=300ms").run((context) -> {
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(applied.trigger()).isIn(ReloadTrigger.WATCH, ReloadTrigger.POLL);
			assertThat(name(context)).isEqualTo("v1");
			assertThat(context.getBean(ConfigReloadService.class).getRolloutStatus().pendingVersion()).isNull();
		});
	}

	@Test
	void aManualReloadAppliesAtOnceAndEndsThePendingVersion() {
		this.runner.withPropertyValues("config.lag.rollout.spread=1h").run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			await().atMost(ReloadEvents.TIMEOUT).until(() -> service.getRolloutStatus().pendingVersion() != null);
			String pending = service.getRolloutStatus().pendingVersion();
			ConfigReloadEndpoint.ReloadDescriptor result = context.getBean(ConfigReloadEndpoint.class).reload();
			assertThat(result.outcome()).isEqualTo("applied");
			assertThat(result.trigger()).isEqualTo("manual");
			assertThat(result.version()).isEqualTo(pending);
			assertThat(name(context)).isEqualTo("v1");
			assertThat(service.getRolloutStatus()).isEqualTo(RolloutStatus.NONE);
		});
	}

	@Test
	void aManualReloadWithoutPendingVersionIsImmediate() {
		this.runner.withPropertyValues("config.lag.rollout.spread=1h", "config.lag.watch.poll-interval=1h")
			.run((context) -> {
				this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
				ConfigReloadResult result = context.getBean(ConfigReloadService.class).reload();
				assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
				assertThat(name(context)).isEqualTo("v1");
				assertThat(context.getBean(ConfigReloader.class).current().version()).isEqualTo(result.version());
			});
	}

	private static String name(ApplicationContext context) {
		return context.getBean(RolloutApp.AppProperties.class).getName();
	}

}
