package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.configlag.test.KubeletVolume;
import io.configlag.test.TestRoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end: a real application context started through {@code SpringApplication},
 * updated through the kubelet fixture, never restarted.
 */
@SpringBootTest(classes = ConfigLagEndToEndTests.App.class,
		properties = { "config.lag.paths=${config-lag.test.root}/config", "config.lag.watch.mode=native" })
class ConfigLagEndToEndTests {

	private static final KubeletVolume volume = createVolume();

	@Autowired
	private FlagsProperties flags;

	@Autowired
	private UnrelatedProperties unrelated;

	@Autowired
	private GreetingService greeting;

	@Autowired
	private Environment environment;

	@Autowired
	private Events events;

	@AfterEach
	void reset() {
		volume.write(Map.of("config.yaml", yaml("v0", false, "INFO")));
		await().atMost(Duration.ofSeconds(10)).until(() -> "v0".equals(this.flags.getName()));
	}

	@Test
	void configurationPropertiesRefreshScopeAndLoggingTakeNewValues() {
		assertThat(this.flags.getName()).isEqualTo("v0");
		assertThat(this.greeting.greeting()).isEqualTo("hello v0");
		int unrelatedSets = this.unrelated.setCount.get();
		volume.write(Map.of("config.yaml", yaml("v1", true, "DEBUG")));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.flags.getName()).isEqualTo("v1");
			assertThat(this.flags.getFeatureFlags().isNewUi()).isTrue();
			assertThat(this.greeting.greeting()).isEqualTo("hello v1");
			assertThat(((Logger) LoggerFactory.getLogger("io.configlag.demo")).getLevel()).isEqualTo(Level.DEBUG);
			assertThat(this.environment.getProperty("app.name")).isEqualTo("v1");
		});
		assertThat(this.unrelated.setCount.get()).isEqualTo(unrelatedSets);
		assertThat(this.events.environmentChanges).anySatisfy((keys) -> assertThat(keys).contains("app.name"));
	}

	@Test
	void readerNeverSeesAValueFromNeitherVersion() throws Exception {
		Set<String> written = Collections.synchronizedSet(new java.util.HashSet<>(List.of("v0")));
		List<String> unexpected = new CopyOnWriteArrayList<>();
		AtomicBoolean stop = new AtomicBoolean();
		Thread reader = new Thread(() -> {
			while (!stop.get()) {
				String name = this.flags.getName();
				if (!written.contains(name)) {
					unexpected.add(String.valueOf(name));
				}
			}
		});
		reader.start();
		try {
			for (int i = 1; i <= 30; i++) {
				String version = "v" + i;
				written.add(version);
				volume.write(Map.of("config.yaml", yaml(version, i % 2 == 0, "INFO")));
				await().atMost(Duration.ofSeconds(10)).until(() -> version.equals(this.flags.getName()));
			}
		}
		finally {
			stop.set(true);
			reader.join();
		}
		assertThat(unexpected).isEmpty();
	}

	static String yaml(String name, boolean newUi, String level) {
		return """
				app:
				  name: %s
				  feature-flags:
				    new-ui: %s
				logging:
				  level:
				    io.configlag.demo: %s
				""".formatted(name, newUi, level);
	}

	private static KubeletVolume createVolume() {
		Path root = TestRoots.create("config-lag-end-to-end");
		KubeletVolume volume = KubeletVolume.configMap(root.resolve("config"));
		volume.write(Map.of("config.yaml", yaml("v0", false, "INFO")));
		return volume;
	}

	// No database: JDBC is on the test classpath for HikariReloadTests
	@SpringBootApplication(exclude = DataSourceAutoConfiguration.class)
	@EnableConfigurationProperties({ FlagsProperties.class, UnrelatedProperties.class })
	static class App {

		@Bean
		@RefreshScope
		GreetingService greetingService(@Value("${app.name}") String name) {
			return new GreetingService("hello " + name);
		}

		@Bean
		Events events() {
			return new Events();
		}

	}

	static class Events implements ApplicationListener<EnvironmentChangeEvent> {

		final List<Set<String>> environmentChanges = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			this.environmentChanges.add(event.getKeys());
		}

	}

	static class GreetingService {

		private final String greeting;

		GreetingService(String greeting) {
			this.greeting = greeting;
		}

		String greeting() {
			return this.greeting;
		}

	}

	@ConfigurationProperties("app")
	static class FlagsProperties {

		private String name = "none";

		private final FeatureFlags featureFlags = new FeatureFlags();

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		FeatureFlags getFeatureFlags() {
			return this.featureFlags;
		}

		static class FeatureFlags {

			private boolean newUi;

			boolean isNewUi() {
				return this.newUi;
			}

			void setNewUi(boolean newUi) {
				this.newUi = newUi;
			}

		}

	}

	@ConfigurationProperties("other")
	static class UnrelatedProperties {

		final AtomicInteger setCount = new AtomicInteger();

		private String value = "default";

		String getValue() {
			return this.value;
		}

		void setValue(String value) {
			this.setCount.incrementAndGet();
			this.value = value;
		}

	}

}
