package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.metrics.ConfigReloadMeterBinder;
import io.configlag.observation.ObservedReloadExecution;
import io.configlag.reload.ConfigReloader;
import io.configlag.reload.ReloadExecution;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.watch.ConfigWatcher;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link ConfigReloadMetricsAutoConfiguration} and
 * {@link ConfigReloadObservationAutoConfiguration}.
 */
@InjectsFaults
class ConfigReloadMetricsAutoConfigurationTests {

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
					ConfigReloadMetricsAutoConfiguration.class, ConfigReloadObservationAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, ObservationAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.reload.live-keys=app.*,db.*",
					"config.lag.watch.mode=polling", "config.lag.watch.poll-interval=1h");
	}

	@Test
	void metersAndObservationAreAutoConfigured() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ConfigReloadMeterBinder.class)
				.hasSingleBean(ObservedReloadExecution.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String version = context.getBean(ConfigReloader.class).current().version();
			assertThat(registry.get("config.reload.info").tag("version", version).gauge().value()).isEqualTo(1);
			assertThat(registry.get("config.reload.watched.files").gauge().value()).isEqualTo(1);
			assertThat(registry.get("config.reload.last.success.timestamp").timeGauge().value(TimeUnit.SECONDS))
				.isGreaterThan(0);
		});
	}

	@Test
	void reloadIsObservedAndMeasured() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String v0 = reloader.current().version();
			Instant published = Instant.now().minusSeconds(3);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\nconfig.lag.published-at: " + published + "\n"));
			ConfigReloadResult result = reloader.reload(ReloadTrigger.MANUAL);
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(registry.get("config.reload").tags("outcome", "applied", "trigger", "manual").timer().count())
				.isOne();
			// Reloads in progress: the outcome is not known yet
			assertThat(registry.get("config.reload.active").longTaskTimers()).singleElement()
				.satisfies((active) -> assertThat(active.getId().getTags()).extracting(Tag::getKey)
					.containsExactly("trigger"));
			Timer lag = registry.get("config.reload.lag").tag("trigger", "manual").timer();
			assertThat(lag.count()).isOne();
			assertThat(lag.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(result.lag().toNanos());
			Timer publishLag = registry.get("config.reload.publish.lag").timer();
			assertThat(publishLag.count()).isOne();
			assertThat(publishLag.totalTime(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
			assertThat(registry.find("config.reload.info").tag("version", v0).gauge()).isNull();
			assertThat(registry.get("config.reload.info").tag("version", result.version()).gauge().value())
				.isEqualTo(1);
			assertThat(registry.get("config.reload.last.success.timestamp").timeGauge().value(TimeUnit.MILLISECONDS))
				.isEqualTo(result.startedAt().plus(result.duration()).toEpochMilli());
			reloader.reload(ReloadTrigger.MANUAL);
			assertThat(registry.get("config.reload").tags("outcome", "unchanged", "trigger", "manual").timer().count())
				.isOne();
			this.config.write(Map.of("config.yaml", "app:\n  name: [v2\n"));
			reloader.reload(ReloadTrigger.MANUAL);
			assertThat(registry.get("config.reload").tags("outcome", "rejected", "trigger", "manual").timer().count())
				.isOne();
			assertThat(lag.count()).isOne();
			assertThat(registry.get("config.reload.info").gauges()).hasSize(1);
		});
	}

	@Test
	void restartRequiredIsAnOutcomeAndTheRestartKeysAreCounted() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("config.reload.restart.keys").gauge().value()).isZero();
			this.config.write(Map.of("config.yaml", "app:\n  name: v0\nserver:\n  port: 9090\n  address: ::1\n"));
			assertThat(reloader.reload(ReloadTrigger.MANUAL).outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(registry.get("config.reload")
				.tags("outcome", "restart-required", "trigger", "manual")
				.timer()
				.count()).isOne();
			assertThat(registry.get("config.reload.restart.keys").gauge().value()).isEqualTo(2);
			assertThat(registry.get("config.reload.lag").timer().count()).isOne();
		});
	}

	@Test
	void observationCarriesWhatATracingSpanNeeds() {
		this.runner.withUserConfiguration(RecordingHandlerConfiguration.class).run((context) -> {
			stopWatching(context);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			ConfigReloadResult result = context.getBean(ConfigReloader.class).reload(ReloadTrigger.MANUAL);
			List<Observation.Context> stopped = context.getBean(RecordingHandler.class).stopped;
			assertThat(stopped).singleElement().satisfies((observation) -> {
				assertThat(observation.getName()).isEqualTo("config.reload");
				assertThat(observation.getContextualName()).isEqualTo("config reload");
				assertThat(observation.getLowCardinalityKeyValues()).extracting(KeyValue::getKey, KeyValue::getValue)
					.containsExactlyInAnyOrder(tuple("outcome", "applied"), tuple("trigger", "manual"));
				assertThat(observation.getHighCardinalityKeyValues()).extracting(KeyValue::getKey, KeyValue::getValue)
					.containsExactly(tuple("config.version", result.version()));
			});
		});
	}

	@Test
	void publishLagIsOnlyRecordedWhenThePublishedInstantChanged() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String published = "config.lag.published-at: " + Instant.now() + "\n";
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n" + published));
			reloader.reload(ReloadTrigger.MANUAL);
			this.config.write(Map.of("config.yaml", "app:\n  name: v2\n" + published));
			reloader.reload(ReloadTrigger.MANUAL);
			this.config.write(Map.of("config.yaml", "app:\n  name: v3\nconfig.lag.published-at: yesterday\n"));
			reloader.reload(ReloadTrigger.MANUAL);
			assertThat(registry.get("config.reload.lag").timer().count()).isEqualTo(3);
			assertThat(registry.get("config.reload.publish.lag").timer().count()).isOne();
		});
	}

	@Test
	void noPropertyKeyOrValueBecomesATag() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: secret-value\n"));
			reloader.reload(ReloadTrigger.MANUAL);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.allSatisfy((tag) -> assertThat(tag.getKey() + "=" + tag.getValue()).doesNotContain("app.name")
					.doesNotContain("secret-value")));
			assertThat(registry.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("config.reload"))
				.flatExtracting((meter) -> meter.getId().getTags())
				.extracting((tag) -> tag.getKey())
				.containsOnly("outcome", "trigger", "error", "version");
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigReloadMeterBinder.class)
				.doesNotHaveBean(ObservedReloadExecution.class));
	}

	@Test
	void backsOffWithoutRegistries() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadMetricsAutoConfiguration.class, ConfigReloadObservationAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + this.config.directory())
			.run((context) -> assertThat(context).hasSingleBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigReloadMeterBinder.class)
				.doesNotHaveBean(ObservedReloadExecution.class));
	}

	@Test
	void observationWithoutMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ConfigLagAutoConfiguration.class, ConfigReloadMetricsAutoConfiguration.class,
							ConfigReloadObservationAutoConfiguration.class, ObservationAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + this.config.directory())
			.run((context) -> assertThat(context).hasSingleBean(ObservationRegistry.class)
				.hasSingleBean(ObservedReloadExecution.class)
				.doesNotHaveBean(ConfigReloadMeterBinder.class));
	}

	@Test
	void backsOffWithoutConfigLag() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadMetricsAutoConfiguration.class, ConfigReloadObservationAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, ObservationAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(MeterRegistry.class)
				.doesNotHaveBean(ConfigReloadMeterBinder.class)
				.doesNotHaveBean(ObservedReloadExecution.class));
	}

	@Test
	void backsOffOnUserBeans() {
		this.runner.withUserConfiguration(UserBeansConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ConfigReloadMeterBinder.class)
				.hasBean("userBinder")
				.hasSingleBean(ReloadExecution.class)
				.hasBean("userExecution")
				.doesNotHaveBean(ObservedReloadExecution.class));
	}

	@Test
	void metersTurnedOffByProperty() {
		this.runner.withPropertyValues("management.metrics.enable.config.reload=false").run((context) -> {
			stopWatching(context);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			context.getBean(ConfigReloader.class).reload(ReloadTrigger.MANUAL);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("config.reload.lag").meters()).isEmpty();
			assertThat(registry.find("config.reload.info").meters()).isEmpty();
			assertThat(registry.find("config.reload.watched.files").meters()).isEmpty();
			assertThat(registry.find("config.reload").meters()).isEmpty();
		});
	}

	@Test
	void lagHistogramIsPublishedUnlessTurnedOff() {
		// Percentile histograms are for registries that aggregate them, such as
		// Prometheus
		ApplicationContextRunner prometheus = this.runner
			.withConfiguration(AutoConfigurations.of(PrometheusMetricsExportAutoConfiguration.class));
		prometheus.run((context) -> assertThat(recordLag(context).takeSnapshot().histogramCounts()).isNotEmpty());
		prometheus.withPropertyValues("management.metrics.distribution.percentiles-histogram.config.reload=false")
			.run((context) -> assertThat(recordLag(context).takeSnapshot().histogramCounts()).isEmpty());
	}

	private Timer recordLag(ConfigurableApplicationContext context) {
		stopWatching(context);
		this.config.write(Map.of("config.yaml", "app:\n  name: " + UUID.randomUUID() + "\n"));
		context.getBean(ConfigReloader.class).reload(ReloadTrigger.MANUAL);
		return context.getBean(MeterRegistry.class).get("config.reload.lag").timer();
	}

	@Test
	void observationTurnedOffByProperty() {
		this.runner.withPropertyValues("management.observations.enable.config.reload=false").run((context) -> {
			stopWatching(context);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
			context.getBean(ConfigReloader.class).reload(ReloadTrigger.MANUAL);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("config.reload").timers()).isEmpty();
			assertThat(registry.get("config.reload.lag").timer().count()).isOne();
		});
	}

	private static void stopWatching(ConfigurableApplicationContext context) {
		context.getBean(ConfigWatcher.class).stop();
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingHandlerConfiguration {

		@Bean
		RecordingHandler recordingHandler() {
			return new RecordingHandler();
		}

	}

	static class RecordingHandler implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean
		ConfigReloadMeterBinder userBinder(ConfigReloadService service) {
			return new ConfigReloadMeterBinder(service, java.time.Clock.systemUTC());
		}

		@Bean
		ReloadExecution userExecution() {
			return ReloadExecution.DIRECT;
		}

	}

}
