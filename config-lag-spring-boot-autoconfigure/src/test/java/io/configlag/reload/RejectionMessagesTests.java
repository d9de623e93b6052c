package io.configlag.reload;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload rejected because a live consumer of the application's own (a
 * {@link ReloadApplier}) converts a value from a Secret with the {@code Environment}:
 * Spring's conversion exception quotes the value, and the rejection message, the result
 * and the log name the target type instead (and the property, when the
 * {@code Environment} is Spring Boot's and says which one it converted).
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class RejectionMessagesTests {

	private static final String SECRET = "s3cr3t-where-a-number-goes";

	@TempDir
	Path temp;

	@Test
	void conversionFailureInAnApplierDoesNotQuoteTheValue(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret")).write(Map.of("client.timeout", "5"));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(ApplierConfiguration.class)
			.withPropertyValues("config.lag.paths=" + secret.directory(), "config.lag.watch.poll-interval=50ms",
					"config.lag.watch.quiet-period=50ms")
			.run((context) -> {
				ReloadEvents events = context.getBean(ReloadEvents.class);
				secret.update("client.timeout", SECRET);
				await().atMost(ReloadEvents.TIMEOUT)
					.untilAsserted(() -> assertThat(events.withOutcome(ReloadOutcome.REJECTED)).isNotEmpty());
				ConfigReloadResult rejected = events.withOutcome(ReloadOutcome.REJECTED).get(0);
				// A plain Environment, as here, does not say which property it converted
				assertThat(rejected.error())
					.isEqualTo("Failed to apply the new version: a value cannot be converted to java.lang.Integer"
							+ " (ConversionFailedException)");
				assertThat(context.getEnvironment().getProperty("client.timeout")).isEqualTo("5");
			});
		assertThat(output).contains("Config update rejected").doesNotContain(SECRET);
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplierConfiguration {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

		@Bean
		ReloadApplier timeoutApplier(Environment environment) {
			return (Set<String> keys, LiveConsumers consumers) -> {
				if (keys.contains("client.timeout")) {
					environment.getProperty("client.timeout", Integer.class);
					consumers.took("client:timeout", Set.of("client.timeout"));
				}
			};
		}

	}

}
