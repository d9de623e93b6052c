package io.configlag.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warnings follow the paths: a path that changes kind is checked again.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class StartupChecksTests {

	@TempDir
	Path temp;

	@Test
	void emptyOptionalDirectoryLosesItsWarningOnceTheKubeletPopulatesIt(CapturedOutput output) throws Exception {
		Path directory = Files.createDirectories(this.temp.resolve("config"));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withBean(ReloadEvents.class)
			.withPropertyValues("config.lag.paths=optional:" + directory, "config.lag.reload.live-keys=app.*",
					"config.lag.watch.mode=polling", "config.lag.watch.poll-interval=50ms",
					"config.lag.watch.quiet-period=50ms")
			.run((context) -> {
				StartupChecks checks = context.getBean(StartupChecks.class);
				assertThat(checks.getWarnings()).singleElement()
					.asString()
					.contains(directory.toString())
					.contains("not inside a Kubernetes atomic volume");
				KubeletVolume.configMap(directory).write(Map.of("app.name", "arrived"));
				ReloadEvents.awaitApplied(context, 1);
				await().atMost(ReloadEvents.TIMEOUT).until(() -> checks.getWarnings().isEmpty());
				// Logged once, at startup; nothing new to log after the recheck
				assertThat(output.getOut().split("not inside a Kubernetes atomic volume", -1)).hasSize(2);
			});
	}

}
