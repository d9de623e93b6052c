package io.configlag.watch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watcher behaviour through the kubelet fixture, in native and in polling mode: every
 * scenario must behave the same in both.
 */
@InjectsFaults
class ConfigWatcherTests {

	private static final Duration TIMEOUT = ReloadEvents.TIMEOUT;

	@TempDir
	Path temp;

	private ApplicationContextRunner runner(WatchMode mode, String... paths) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
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
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).changed())
				.containsExactly("app.name");
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
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).added())
				.containsExactly("app.extra");
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
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).removed())
				.containsExactly("app.count");
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
			// The metadata check may still see the tail of the forced swap (the old
			// version
			// directory going away) and reload once more: content decides, so that reload
			// is UNCHANGED, never a second APPLIED
			assertThat(ReloadEvents.of(context).since(before)).extracting(ConfigReloadResult::outcome)
				.filteredOn((outcome) -> outcome != ReloadOutcome.UNCHANGED)
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
			await().atMost(TIMEOUT)
				.until(() -> !ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).isEmpty());
			ConfigReloadResult rejected = ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).get(0);
			assertThat(rejected.error()).contains("config.yaml").contains("line").doesNotContain("unclosed");
			assertThat(app(context).getName()).isEqualTo("one");
			assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("one");
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(app(context).getName()).isEqualTo("two");
		});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void inPlaceEditThroughTheSymlinkOfAKubeletVolume(WatchMode mode) {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n"));
		// With native events the metadata check is off: the event in the version
		// directory applies it
		runner(mode, volume.directory().toString()).withPropertyValues("config.lag.watch.check-interval=1h")
			.run((context) -> {
				awaitFirstCheck(context);
				Files.writeString(volume.path("config.yaml"), "app:\n  name: edited\n");
				ReloadEvents.awaitApplied(context, 1);
				assertThat(app(context).getName()).isEqualTo("edited");
				// After a swap the new version directory is the one watched
				volume.update("config.yaml", "app:\n  name: swapped\n");
				ReloadEvents.awaitApplied(context, 2);
				Files.writeString(volume.path("config.yaml"), "app:\n  name: edited again\n");
				ReloadEvents.awaitApplied(context, 3);
				assertThat(app(context).getName()).isEqualTo("edited again");
				assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED))
					.extracting(ConfigReloadResult::trigger)
					.containsOnly((mode == WatchMode.NATIVE) ? ReloadTrigger.WATCH : ReloadTrigger.POLL);
			});
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void sedInPlaceReplacingTheSymlinkOfAKubeletVolumeIsApplied(WatchMode mode) throws Exception {
		KubeletVolume volume = volume(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(mode, volume.directory().toString()).withPropertyValues("config.lag.watch.check-interval=1h")
			.run((context) -> {
				awaitFirstCheck(context);
				// GNU sed -i writes a temporary file next to the link and renames it over
				// the link
				Process sed = new ProcessBuilder("sed", "-i", "s/one/sed/", volume.path("config.yaml").toString())
					.inheritIO()
					.start();
				assertThat(sed.waitFor()).isZero();
				assertThat(Files.isSymbolicLink(volume.path("config.yaml"))).isFalse();
				// A reload after the quiet period, which reads the file that replaced the
				// link
				ReloadEvents.awaitApplied(context, 1);
				assertThat(app(context).getName()).isEqualTo("sed");
				ConfigReloadResult applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
				assertThat(applied.trigger())
					.isEqualTo((mode == WatchMode.NATIVE) ? ReloadTrigger.WATCH : ReloadTrigger.POLL);
				assertThat(applied.changed()).containsExactly("app.name");
			});
	}

	/**
	 * Wait for the check that runs at start, so that only the change under test can find
	 * a difference.
	 */
	private static void awaitFirstCheck(AssertableApplicationContext context) {
		await().atMost(TIMEOUT).until(() -> context.getBean(ConfigWatcher.class).getStatus().lastCheck() != null);
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

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		int getCount() {
			return this.count;
		}

		void setCount(int count) {
			this.count = count;
		}

		String getExtra() {
			return this.extra;
		}

		void setExtra(String extra) {
			this.extra = extra;
		}

	}

}
