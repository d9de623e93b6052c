package io.configlag.reload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Must show" case of issue 6: when a {@code @Validated @ConfigurationProperties}
 * bean rejects a new value, nothing of that version reaches the application. Neither the
 * failing bean, nor the {@code @ConfigurationProperties} beans whose keys changed in the
 * same update (one bound before the failing bean and one after it), nor the
 * {@code Environment}, nor the {@code @RefreshScope} change, and no
 * {@link EnvironmentChangeEvent} is published. The corrected version then applies as a
 * whole.
 */
@InjectsFaults
class ValidationRejectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void constraintViolationChangesNoBeanAndNotTheEnvironment(WatchMode mode) {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(payload("one", 4, 5, "safe", false));
		runner(mode, volume.directory()).run((context) -> {
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			ReloadEvents events = context.getBean(ReloadEvents.class);
			EnvironmentChanges changes = context.getBean(EnvironmentChanges.class);
			Greeting greeting = context.getBean(Greeting.class);
			assertInitialVersion(context);
			assertThat(greeting.text()).isEqualTo("hello one");
			String version = reloader.current().version();
			int greetingsBuilt = Greeting.built.get();
			int environmentChanges = changes.keys.size();
			// One atomic update changes every prefix; only limits.max is invalid
			volume.write(payload("two", 8, 50, "fast", true));
			awaiting().untilAsserted(() -> assertThat(events.withOutcome(ReloadOutcome.REJECTED)).hasSize(1));
			ConfigReloadResult rejected = events.withOutcome(ReloadOutcome.REJECTED).get(0);
			assertThat(rejected.error()).contains("(prefix 'limits')")
				.contains("'limits.max' must be less than or equal to 10")
				.doesNotContain("50");
			assertThat(rejected.changed()).contains("app.name", "pool.size", "limits.max", "limits.mode");
			assertThat(rejected.added()).containsExactly("app.extra");
			assertThat(rejected.removed()).containsExactly("app.region");
			assertThat(rejected.version()).isEqualTo(version);
			assertThat(reloader.getLastReload()).isEqualTo(rejected);
			assertThat(reloader.getCount(ReloadOutcome.REJECTED)).isOne();
			assertThat(reloader.getCount(ReloadOutcome.APPLIED)).isZero();
			assertThat(reloader.current().version()).isEqualTo(version);
			assertInitialVersion(context);
			assertThat(greeting.text()).isEqualTo("hello one");
			assertThat(Greeting.built.get()).isEqualTo(greetingsBuilt);
			assertThat(changes.keys).hasSize(environmentChanges);
			// The corrected version applies as a whole
			volume.write(payload("two", 8, 9, "fast", true));
			awaiting().untilAsserted(() -> assertThat(events.withOutcome(ReloadOutcome.APPLIED)).hasSize(1));
			LimitsProperties limits = context.getBean(LimitsProperties.class);
			assertThat(limits.getMax()).isEqualTo(9);
			assertThat(limits.getMode()).isEqualTo("fast");
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
			assertThat(context.getBean(AppProperties.class).getExtra()).isEqualTo("added");
			assertThat(context.getBean(AppProperties.class).getRegion()).isNull();
			assertThat(context.getBean(PoolProperties.class).getSize()).isEqualTo(8);
			assertThat(context.getEnvironment().getProperty("limits.max")).isEqualTo("9");
			assertThat(context.getEnvironment().containsProperty("app.region")).isFalse();
			assertThat(greeting.text()).isEqualTo("hello two");
			assertThat(changes.keys.subList(environmentChanges, changes.keys.size())).singleElement()
				.satisfies((keys) -> assertThat(keys).contains("app.name", "pool.size", "limits.max"));
		});
	}

	private static void assertInitialVersion(AssertableApplicationContext context) {
		AppProperties app = context.getBean(AppProperties.class);
		assertThat(app.getName()).isEqualTo("one");
		assertThat(app.getRegion()).isEqualTo("eu");
		assertThat(app.getExtra()).isNull();
		assertThat(context.getBean(PoolProperties.class).getSize()).isEqualTo(4);
		LimitsProperties limits = context.getBean(LimitsProperties.class);
		assertThat(limits.getMax()).isEqualTo(5);
		assertThat(limits.getMode()).isEqualTo("safe");
		Environment environment = context.getEnvironment();
		assertThat(environment.getProperty("app.name")).isEqualTo("one");
		assertThat(environment.getProperty("app.region")).isEqualTo("eu");
		assertThat(environment.containsProperty("app.extra")).isFalse();
		assertThat(environment.getProperty("pool.size")).isEqualTo("4");
		assertThat(environment.getProperty("limits.max")).isEqualTo("5");
		assertThat(environment.getProperty("limits.mode")).isEqualTo("safe");
	}

	private static Map<String, String> payload(String name, int poolSize, int max, String mode, boolean extra) {
		Map<String, String> payload = new LinkedHashMap<>();
		payload.put("config.yaml", """
				app:
				  name: %s
				pool:
				  size: %d
				limits:
				  max: %d
				  mode: %s
				""".formatted(name, poolSize, max, mode));
		if (extra) {
			payload.put("app.extra", "added");
		}
		else {
			payload.put("app.region", "eu");
		}
		return payload;
	}

	private ApplicationContextRunner runner(WatchMode mode, Path path) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + path, "config.lag.watch.mode=" + mode,
					"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms");
	}

	private static ConditionFactory awaiting() {
		return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ AppProperties.class, LimitsProperties.class, PoolProperties.class })
	static class TestConfiguration {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

		@Bean
		EnvironmentChanges environmentChanges() {
			return new EnvironmentChanges();
		}

		@Bean
		@RefreshScope
		Greeting greeting(@Value("${app.name}") String name) {
			return new Greeting("hello " + name);
		}

	}

	static class EnvironmentChanges implements ApplicationListener<EnvironmentChangeEvent> {

		final List<Set<String>> keys = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			this.keys.add(event.getKeys());
		}

	}

	static class Greeting {

		static final AtomicInteger built = new AtomicInteger();

		private final String text;

		Greeting(String text) {
			this.text = text;
			built.incrementAndGet();
		}

		String text() {
			return this.text;
		}

	}

	/**
	 * Bound before the validated bean.
	 */
	@ConfigurationProperties("app")
	static class AppProperties {

		private String name;

		private String region;

		private String extra;

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		String getRegion() {
			return this.region;
		}

		void setRegion(String region) {
			this.region = region;
		}

		String getExtra() {
			return this.extra;
		}

		void setExtra(String extra) {
			this.extra = extra;
		}

	}

	@Validated
	@ConfigurationProperties("limits")
	static class LimitsProperties {

		@Max(10)
		private int max = 1;

		@NotBlank
		private String mode = "default";

		int getMax() {
			return this.max;
		}

		void setMax(int max) {
			this.max = max;
		}

		String getMode() {
			return this.mode;
		}

		void setMode(String mode) {
			this.mode = mode;
		}

	}

	/**
	 * Bound after the validated bean.
	 */
	@ConfigurationProperties("pool")
	static class PoolProperties {

		private int size = 1;

		int getSize() {
			return this.size;
		}

		void setSize(int size) {
			this.size = size;
		}

	}

}
