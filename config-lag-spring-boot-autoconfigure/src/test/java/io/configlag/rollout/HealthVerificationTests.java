package io.configlag.rollout;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.WatchStatus;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadEndpointAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadHealthContributorAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadMetricsAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadObservationAutoConfiguration;
import io.configlag.health.ConfigReloadHealthIndicator;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link HealthVerification}: a version that takes the application's health
 * down within {@code verify-for} is rolled back, pinned and reported everywhere; a
 * version that keeps it up is kept; nothing is verified when health was not up before.
 */
@InjectsFaults
@ExtendWith(OutputCaptureExtension.class)
class HealthVerificationTests {

	@TempDir
	Path temp;

	private KubeletVolume config;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createVolume() {
		this.config = KubeletVolume.configMap(this.temp.resolve("config"));
		this.config.write(Map.of("config.yaml", "app:\n  name: v0\n  healthy: true\n"));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadHealthContributorAutoConfiguration.class, ConfigReloadEndpointAutoConfiguration.class,
					ConfigReloadMetricsAutoConfiguration.class, ConfigReloadObservationAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, ObservationAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class))
			.withUserConfiguration(RolloutApp.class)
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=50ms", "config.lag.rollout.verify-for=1m",
					"config.lag.rollout.check-interval=50ms",
					"management.endpoints.web.exposure.include=configreload,health");
	}

	@Test
	void aVersionThatTakesHealthDownIsRolledBackPinnedAndReportedEverywhere(CapturedOutput output) {
		this.runner.run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			RolloutApp.AppProperties app = context.getBean(RolloutApp.AppProperties.class);
			String v0 = service.getCurrentVersion();
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  healthy: false\n"));
			ConfigReloadResult rolledBack = awaitOutcome(context, ReloadOutcome.ROLLED_BACK);
			String v1 = rolledBack.previousVersion();
			ConfigReloadResult applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(applied.version()).isEqualTo(v1);
			assertThat(applied.verification()).isEqualTo("health verified for PT1M after the apply");
			// Beans and Environment are back to the previous version: nothing restarted
			assertThat(context.getBean(RolloutApp.AppProperties.class)).isSameAs(app);
			assertThat(app.getName()).isEqualTo("v0");
			assertThat(app.isHealthy()).isTrue();
			assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("v0");
			assertThat(service.getCurrentVersion()).isEqualTo(v0);
			// Result and event
			assertThat(rolledBack.version()).isEqualTo(v0);
			assertThat(rolledBack.changed()).containsExactly("app.healthy", "app.name");
			assertThat(rolledBack.error()).contains("[app]").contains("DOWN").doesNotContain("configReload");
			assertThat(service.getLastReload()).isSameAs(rolledBack);
			assertThat(service.getReloadCount(ReloadOutcome.ROLLED_BACK)).isOne();
			// Endpoint
			ConfigReloadEndpoint.ConfigReloadDescriptor shown = context.getBean(ConfigReloadEndpoint.class)
				.configReload();
			assertThat(shown.lastReload().outcome()).isEqualTo("rolled-back");
			assertThat(shown.counts()).containsEntry("rolled-back", 1L);
			assertThat(shown.rollout().pinnedVersion()).isEqualTo(v1);
			// Meter
			assertThat(context.getBean(MeterRegistry.class)
				.get("config.reload")
				.tags("outcome", "rolled-back", "trigger", "poll")
				.timer()
				.count()).isOne();
			// Health details of config-lag's own indicator, which stays UP
			Health health = context.getBean(ConfigReloadHealthIndicator.class).health(true);
			assertThat(health.getStatus().getCode()).isEqualTo("UP");
			assertThat(health.getDetails()).containsEntry("rolledBack", true).containsEntry("pinnedVersion", v1);
			// One ERROR line naming the contributors
			assertThat(output.getOut().lines().filter((line) -> line.contains("ERROR")).toList()).singleElement()
				.satisfies((line) -> assertThat(line).contains("Config version " + v1 + " rolled back to " + v0)
					.contains("[app]"));
		});
	}

	@Test
	void aRollBackPutsBackWhatTheAppliersApplied() {
		String logger = "io.configlag.rollout.probe";
		LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());
		this.runner
			.withInitializer((context) -> context.getBeanFactory()
				.registerSingleton(LoggingApplicationListener.LOGGING_SYSTEM_BEAN_NAME, loggingSystem))
			.run((context) -> {
				try {
					this.config.write(Map.of("config.yaml",
							"app:\n  name: v1\n  healthy: false\nlogging.level." + logger + ": TRACE\n"));
					ConfigReloadResult rolledBack = awaitOutcome(context, ReloadOutcome.ROLLED_BACK);
					ConfigReloadResult applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
					assertThat(applied.consumers()).containsKey("logging.level." + logger);
					assertThat(rolledBack.removed()).containsExactly("logging.level." + logger);
					assertThat(loggingSystem.getLoggerConfiguration(logger).getConfiguredLevel())
						.isNotEqualTo(LogLevel.TRACE);
					assertThat(context.getEnvironment().getProperty("logging.level." + logger)).isNull();
				}
				finally {
					loggingSystem.setLogLevel(logger, null);
				}
			});
	}

	@Test
	void aRolledBackVersionStaysPinnedUntilTheFilesChange() {
		this.runner.run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			Rollout rollout = context.getBean(Rollout.class);
			String v0 = service.getCurrentVersion();
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  healthy: false\n"));
			String v1 = awaitOutcome(context, ReloadOutcome.ROLLED_BACK).previousVersion();
			int events = ReloadEvents.of(context).size();
			// A kubelet rewrite with the same content, seen by a watchdog check
			Instant rewritten = Instant.now();
			this.config.rewriteUnchanged();
			await().atMost(ReloadEvents.TIMEOUT).until(() -> {
				WatchStatus watch = service.getWatchStatus();
				return watch.lastCheck() != null && watch.lastCheck().isAfter(rewritten.plusMillis(200));
			});
			// A poll and a watch event that find the pinned version
			rollout.reload(ReloadTrigger.POLL);
			rollout.reload(ReloadTrigger.WATCH);
			assertThat(service.getCurrentVersion()).isEqualTo(v0);
			assertThat(ReloadEvents.of(context).since(events)).isEmpty();
			assertThat(service.getRolloutStatus().pinnedVersion()).isEqualTo(v1);
			// The next version applies
			this.config.write(Map.of("config.yaml", "app:\n  name: v2\n  healthy: true\n"));
			await().atMost(ReloadEvents.TIMEOUT)
				.until(() -> context.getBean(RolloutApp.AppProperties.class).getName().equals("v2"));
			assertThat(ReloadEvents.of(context).since(events)).singleElement()
				.satisfies((result) -> assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED));
			assertThat(service.getRolloutStatus().pinnedVersion()).isNull();
		});
	}

	@Test
	void aManualReloadAppliesAPinnedVersionAndVerifiesItAgain() {
		this.runner.run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  healthy: false\n"));
			String v1 = awaitOutcome(context, ReloadOutcome.ROLLED_BACK).previousVersion();
			ConfigReloadResult manual = service.reload();
			assertThat(manual.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(manual.version()).isEqualTo(v1);
			await().atMost(ReloadEvents.TIMEOUT)
				.until(() -> ReloadEvents.of(context).withOutcome(ReloadOutcome.ROLLED_BACK).size() == 2);
			assertThat(service.getRolloutStatus().pinnedVersion()).isEqualTo(v1);
		});
	}

	@Test
	void aVersionThatKeepsHealthUpIsKept() {
		this.runner.withPropertyValues("config.lag.rollout.verify-for=300ms").run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  healthy: true\n"));
			ReloadEvents.awaitApplied(context, 1);
			String v1 = service.getCurrentVersion();
			assertThat(service.getRolloutStatus().verifyingVersion()).isIn(v1, null);
			await().atMost(ReloadEvents.TIMEOUT).until(() -> service.getRolloutStatus().verifyingVersion() == null);
			assertThat(service.getCurrentVersion()).isEqualTo(v1);
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.ROLLED_BACK)).isEmpty();
			assertThat(context.getBean(RolloutApp.AppProperties.class).getName()).isEqualTo("v1");
		});
	}

	@Test
	void nothingIsVerifiedWhenHealthWasNotUpBeforeTheApply() {
		this.config.write(Map.of("config.yaml", "app:\n  name: v0\n  healthy: false\n"));
		this.runner.run((context) -> {
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  healthy: false\n"));
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(applied.verification())
				.isEqualTo("not verified: health was DOWN before the apply (app), so there is nothing to verify");
			assertThat(context.getBean(ConfigReloadEndpoint.class).configReload().lastReload().verification())
				.isEqualTo(applied.verification());
			assertThat(service.getRolloutStatus().verifyingVersion()).isNull();
			assertThat(service.getCurrentVersion()).isEqualTo(applied.version());
		});
	}

	private static ConfigReloadResult awaitOutcome(ApplicationContext context, ReloadOutcome outcome) {
		ReloadEvents events = ReloadEvents.of(context);
		await().atMost(ReloadEvents.TIMEOUT).until(() -> !events.withOutcome(outcome).isEmpty());
		List<ConfigReloadResult> results = events.withOutcome(outcome);
		return results.get(0);
	}

}
