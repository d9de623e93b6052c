package io.configlag.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.configlag.WatchStatus;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadEndpointAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import io.configlag.watch.ConfigWatcherTests.AppProperties;
import io.configlag.watch.ConfigWatcherTests.TestConfiguration;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real tmpfs mounted over a watched volume while the application runs, as a Secret
 * volume remount does. The mount produces no event (the native watch stays on the
 * directory that was mounted over); the metadata check sees the directory's new file key,
 * watches the new directory and reloads. Runs where the test may mount (Linux, root with
 * {@code CAP_SYS_ADMIN}); skipped elsewhere.
 */
@EnabledOnOs(OS.LINUX)
@InjectsFaults
class WatcherRemountTests {

	private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void updatesAfterARemountAreAppliedAndWatchedNativelyAgain(WatchMode mode) throws Exception {
		Path probe = Files.createDirectories(this.temp.resolve("probe"));
		assumeTrue(command("mount", "-t", "tmpfs", "tmpfs", probe.toString()) == 0,
				"Skipped: this process may not mount a tmpfs (needs Linux and CAP_SYS_ADMIN)");
		command("umount", probe.toString());
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("secret"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		Path mountPoint = volume.directory();
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
							ConfigLagAutoConfiguration.class, ConfigReloadEndpointAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + mountPoint, "config.lag.watch.mode=" + mode,
					"config.lag.watch.poll-interval=100ms", "config.lag.watch.quiet-period=50ms",
					"config.lag.watch.check-interval=250ms", "management.endpoints.web.exposure.include=configreload")
			.run((context) -> {
				ConfigWatcher watcher = context.getBean(ConfigWatcher.class);
				ConfigReloadEndpoint endpoint = context.getBean(ConfigReloadEndpoint.class);
				assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("one");
				// A first update before the remount, so that the bounds below do not
				// measure class loading
				volume.update("config.yaml", "app:\n  name: before\n");
				ReloadEvents.awaitApplied(context, 1);
				assertThat(command("mount", "-t", "tmpfs", "tmpfs", mountPoint.toString())).isZero();
				try {
					KubeletVolume remounted = KubeletVolume.configMap(mountPoint)
						.write(Map.of("config.yaml", "app:\n  name: two\n"));
					await().atMost(WITHIN_A_SECOND)
						.until(() -> "two".equals(context.getBean(AppProperties.class).getName()));
					WatchStatus.Mode expected = (mode == WatchMode.NATIVE) ? WatchStatus.Mode.NATIVE
							: WatchStatus.Mode.POLLING;
					assertThat(watcher.getStatus().mode()).isEqualTo(expected);
					assertThat(watcher.getStatus().watching()).isTrue();
					assertThat(watcher.getStatus().problem()).isNull();
					assertThat(endpoint.configReload().watchMode()).isEqualTo(mode.name().toLowerCase());
					assertThat(endpoint.configReload().watch().watching()).isTrue();
					for (String name : List.of("three", "four", "five")) {
						Instant before = Instant.now();
						remounted.update("config.yaml", "app:\n  name: " + name + "\n");
						await().atMost(WITHIN_A_SECOND)
							.until(() -> name.equals(context.getBean(AppProperties.class).getName()));
						if (mode == WatchMode.NATIVE) {
							// Seen as an event on the newly watched directory (the old
							// watch
							// stays on the directory that was mounted over and sees
							// nothing)
							await().atMost(WITHIN_A_SECOND)
								.until(() -> watcher.getStatus().lastEvent() != null
										&& !watcher.getStatus().lastEvent().isBefore(before));
						}
					}
				}
				finally {
					command("umount", "-l", mountPoint.toString());
				}
			});
	}

	private static int command(String... command) throws Exception {
		try {
			return new ProcessBuilder(List.of(command)).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start()
				.waitFor();
		}
		catch (IOException ex) {
			return -1;
		}
	}

}
