package io.configlag.reload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A storm of kubelet swaps while several threads read a bound bean and a
 * {@code @RefreshScope} bean: readers only ever see written versions, every
 * refresh-scoped instance comes from one version, nothing is lost, and there are never
 * more reloads than writes.
 */
class ReloadStormTests {

	private static final int WRITES = 1000;

	private static final int READERS = 4;

	@TempDir
	Path temp;

	@Test
	void stormOfSwapsWithConcurrentReaders() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config")).write(version(0));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(StormConfiguration.class)
			.withPropertyValues("config.lag.paths=" + volume.directory(), "config.lag.watch.mode=native")
			.run((context) -> {
				StormProperties properties = context.getBean(StormProperties.class);
				Pair pair = context.getBean(Pair.class);
				Set<String> written = ConcurrentHashMap.newKeySet();
				written.add("v0");
				List<String> problems = new CopyOnWriteArrayList<>();
				AtomicBoolean stop = new AtomicBoolean();
				AtomicLong reads = new AtomicLong();
				List<Thread> readers = new ArrayList<>();
				for (int r = 0; r < READERS; r++) {
					Thread reader = new Thread(() -> {
						while (!stop.get()) {
							String bound = properties.getValue();
							if (!written.contains(bound)) {
								problems.add("bound bean showed " + bound);
							}
							String[] refreshed = pair.both();
							if (!refreshed[0].equals(refreshed[1])) {
								problems.add("@RefreshScope instance mixed " + refreshed[0] + " and " + refreshed[1]);
							}
							if (!written.contains(refreshed[0])) {
								problems.add("@RefreshScope bean showed " + refreshed[0]);
							}
							reads.incrementAndGet();
						}
					}, "storm-reader-" + r);
					reader.start();
					readers.add(reader);
				}
				// As fast as the fixture writes: about 1,000 swaps a second on an idle
				// machine
				for (int i = 1; i <= WRITES; i++) {
					written.add("v" + i);
					volume.write(version(i));
				}
				String last = "v" + WRITES;
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(properties.getValue()).isEqualTo(last);
					assertThat(pair.both()).containsExactly(last, last);
					assertThat(context.getEnvironment().getProperty("storm.value")).isEqualTo(last);
				});
				stop.set(true);
				for (Thread reader : readers) {
					reader.join();
				}
				ConfigReloader reloader = context.getBean(ConfigReloader.class);
				long reloads = 0;
				for (ReloadOutcome outcome : ReloadOutcome.values()) {
					reloads += reloader.getCount(outcome);
				}
				assertThat(reads.get()).isPositive();
				assertThat(problems).isEmpty();
				assertThat(reloads).isPositive().isLessThanOrEqualTo(WRITES);
				// The bound bean and the refresh-scoped bean take the value live
				assertThat(reloader.getRestartKeys()).isEmpty();
			});
	}

	private static Map<String, String> version(int i) {
		return Map.of("config.yaml", "storm:\n  value: v" + i + "\n  copy: v" + i + "\n");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(StormProperties.class)
	static class StormConfiguration {

		@Bean
		@RefreshScope
		Pair pair(@Value("${storm.value}") String value, StormProperties properties) {
			// Reads the environment and a bound bean while it is built: both must belong
			// to
			// the same version
			return new Pair(value, properties.getCopy());
		}

	}

	static class Pair {

		private final String first;

		private final String second;

		Pair(String first, String second) {
			this.first = first;
			this.second = second;
		}

		String[] both() {
			return new String[] { this.first, this.second };
		}

	}

	@ConfigurationProperties("storm")
	static class StormProperties {

		private String value = "none";

		private String copy = "none";

		String getValue() {
			return this.value;
		}

		void setValue(String value) {
			this.value = value;
		}

		String getCopy() {
			return this.copy;
		}

		void setCopy(String copy) {
			this.copy = copy;
		}

	}

}
