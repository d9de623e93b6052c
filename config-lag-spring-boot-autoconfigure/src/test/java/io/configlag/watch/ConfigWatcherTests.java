package io.configlag.watch;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watcher behaviour through the kubelet fixture, in native and in polling mode: every
 * scenario must behave the same in both.
 */
class ConfigWatcherTests {

	private static final Duration TIMEOUT = ReloadEvents.TIMEOUT;

	@TempDir
	Path temp;

	private ApplicationContextRunner runner(WatchMode mode, String... paths) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + String.join(",", paths), "config.lag.watch.mode=" + mode,
					"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms");
	}

	private KubeletVolume volume(Map<String, String> payload) {
		return KubeletVolume.configMap(this.temp.resolve("config")).write(payload);
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void yamlValueChange(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			assertThat(app(context).getName()).isEqualTo("one");
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
			assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("two");
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).changed()).containsExactly("app.name");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void propertiesValueChange(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("application.properties", "app.name=one\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			assertThat(app(context).getName()).isEqualTo("one");
			volume.update("application.properties", "app.name=two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void configTreeValueChange(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("app.name", "one\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			assertThat(app(context).getName()).isEqualTo("one");
			volume.update("app.name", "two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void keyAdded(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			assertThat(app(context).getExtra()).isNull();
			volume.update("app.extra", "added");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getExtra()).isEqualTo("added");
			assertThat(context.getEnvironment().getProperty("app.extra")).isEqualTo("added");
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).added()).containsExactly("app.extra");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void keyRemovedDisappearsAndFieldReturnsToDefault(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n  count: 5\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			assertThat(app(context).getCount()).isEqualTo(5);
			volume.update("config.yaml", "app:\n  name: one\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(context.getEnvironment().containsProperty("app.count")).isFalse();
			assertThat(app(context).getCount()).isEqualTo(1);
			assertThat(app(context).getName()).isEqualTo("one");
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).removed()).containsExactly("app.count");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void keyFileRemoved(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("app.name", "one", "app.extra", "x"));
		runner(mode, volume.directory().toString()).run((context) -> {
			assertThat(app(context).getExtra()).isEqualTo("x");
			volume.remove("app.extra");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getExtra()).isNull();
			assertThat(context.getEnvironment().containsProperty("app.extra")).isFalse();
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void twoFilesChangedAtOnceAreOneReload(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("a.yaml", "app:\n  name: one\n", "b.properties", "app.count=2\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			volume.write(Map.of("a.yaml", "app:\n  name: two\n", "b.properties", "app.count=3\n"));
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(applied.changed()).containsExactlyInAnyOrder("app.name", "app.count");
			assertThat(app(context).getName()).isEqualTo("two");
			assertThat(app(context).getCount()).isEqualTo(3);
			// A later change proves nothing else was pending from the first swap
			volume.update("a.yaml", "app:\n  name: three\n");
			ReloadEvents.awaitApplied(context, 2);
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED)).hasSize(2);
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void kubeletNoOpResyncCausesNoReload(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			AppProperties app = app(context);
			assertThat(app.getName()).isEqualTo("one");
			// The real kubelet re-sync writes nothing; a forced swap to identical content
			// fires every event of an update but carries the same content
			volume.resync();
			volume.rewriteUnchanged();
			await().atMost(TIMEOUT)
				.until(() -> !ReloadEvents.of(context).withOutcome(ReloadOutcome.UNCHANGED).isEmpty());
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED)).isEmpty();
			int before = ReloadEvents.of(context).size();
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(ReloadEvents.of(context).since(before)).extracting(ConfigReloadResult::outcome)
				.containsExactly(ReloadOutcome.APPLIED);
			assertThat(app.getName()).isEqualTo("two");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void singleFilePathInKubeletVolume(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n", "other.yaml", "app:\n  count: 7\n"));
		runner(mode, volume.path("config.yaml").toString()).run((context) -> {
			assertThat(app(context).getName()).isEqualTo("one");
			assertThat(app(context).getCount()).isEqualTo(1);
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void optionalPathThatAppearsLater(WatchMode mode) {
		Path later = this.temp.resolve("mounts").resolve("later");
		runner(mode, "optional:" + later).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(app(context).getName()).isEqualTo("default");
			KubeletVolume.configMap(later).write(Map.of("config.yaml", "app:\n  name: arrived\n"));
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("arrived");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void plainInPlaceWrite(WatchMode mode) throws Exception {
		Path directory = Files.createDirectories(this.temp.resolve("plain"));
		Path file = Files.writeString(directory.resolve("config.yaml"), "app:\n  name: one\n");
		runner(mode, directory.toString()).run((context) -> {
			Files.writeString(file, "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void brokenYamlKeepsOldValuesAndNextGoodUpdateApplies(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(mode, volume.directory().toString()).run((context) -> {
			volume.update("config.yaml", "app:\n  name: [unclosed\n");
			await().atMost(TIMEOUT).until(() -> !ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).isEmpty());
			ConfigReloadResult rejected = ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).get(0);
			assertThat(rejected.error()).contains("config.yaml").contains("line").doesNotContain("unclosed");
			assertThat(app(context).getName()).isEqualTo("one");
			assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("one");
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
		});
	}


	private static AppProperties app(AssertableApplicationContext context) {
		return context.getBean(AppProperties.class);
	}


	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AppProperties.class)
	static class TestConfiguration {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String name = "default";

		private int count = 1;

		private String extra;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getCount() {
			return this.count;
		}

		public void setCount(int count) {
			this.count = count;
		}

		public String getExtra() {
			return this.extra;
		}

		public void setExtra(String extra) {
			this.extra = extra;
		}

	}

}
