package io.configlag.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real tmpfs mounted over the watched directory, unmounted and mounted again, where the
 * test may mount (Linux, root with {@code CAP_SYS_ADMIN}): the unmount reveals an empty
 * mount point, which is rejected and keeps the last good version; the remounted volume is
 * then applied. A mount over a watched directory produces no inotify event at all (the
 * watch stays on the inode that was mounted over), so in native mode it is the metadata
 * check that finds the remount.
 */
@EnabledOnOs(OS.LINUX)
class RealMountTests {

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void unmountKeepsTheLastGoodVersionAndRemountIsApplied(WatchMode mode) throws Exception {
		Path mountPoint = Files.createDirectories(this.temp.resolve("mnt"));
		assumeTrue(command("mount", "-t", "tmpfs", "tmpfs", mountPoint.toString()) == 0,
				"this process may not mount a tmpfs");
		try {
			KubeletVolume.configMap(mountPoint).write(Map.of("config.yaml", "app:\n  name: one\n"));
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
						ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
				.withUserConfiguration(BadInputTests.TestConfiguration.class)
				.withPropertyValues("config.lag.paths=" + mountPoint, "config.lag.watch.mode=" + mode,
						"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms",
						"config.lag.watch.check-interval=200ms")
				.run((context) -> {
					ConfigReloader reloader = context.getBean(ConfigReloader.class);
					ReloadEvents events = context.getBean(ReloadEvents.class);
					BadInputTests.AppProperties app = context.getBean(BadInputTests.AppProperties.class);
					assertThat(app.getName()).isEqualTo("one");
					assertThat(command("umount", mountPoint.toString())).isZero();
					awaiting().untilAsserted(() -> {
						assertThat(reloader.getLastReload()).isNotNull();
						assertThat(reloader.getLastReload().outcome()).isEqualTo(ReloadOutcome.REJECTED);
						assertThat(reloader.getLastReload().error()).contains(mountPoint.toString())
							.contains("is empty; keeping its last keys");
					});
					assertThat(reloader.getCount(ReloadOutcome.REJECTED)).isPositive();
					assertThat(events.withOutcome(ReloadOutcome.APPLIED)).isEmpty();
					assertThat(app.getName()).isEqualTo("one");
					assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("one");
					assertThat(command("mount", "-t", "tmpfs", "tmpfs", mountPoint.toString())).isZero();
					KubeletVolume.configMap(mountPoint).write(Map.of("config.yaml", "app:\n  name: two\n"));
					awaiting().untilAsserted(() -> {
						assertThat(events.withOutcome(ReloadOutcome.APPLIED)).isNotEmpty();
						assertThat(app.getName()).isEqualTo("two");
					});
					assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("two");
				});
		}
		finally {
			command("umount", "-l", mountPoint.toString());
		}
	}

	private static ConditionFactory awaiting() {
		return Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10));
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
