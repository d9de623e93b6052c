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
import jakarta.validation.constraints.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rejection messages never quote a value from a Secret, even where Spring's own messages
 * do: a live consumer of the application's own (a {@link ReloadApplier}) that converts a
 * value with the {@code Environment} (the rejection names the target type, and the
 * property when the {@code Environment} is Spring Boot's and says which one it
 * converted), and a constraint whose message quotes the value (the rejection names the
 * constraint).
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class RejectionMessagesTests {

	private static final String SECRET = "s3cr3t-where-a-number-goes";

	private static final String QUOTED = "tok-S3CR3T-quoted";

	@TempDir
	Path temp;

	@Test
	void conversionFailureInAnApplierDoesNotQuoteTheValue(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret")).write(Map.of("client.timeout", "5"));
		runner(secret).run((context) -> {
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

	@Test
	void constraintMessageThatQuotesTheValueIsReplacedByTheConstraintsName(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("client.token", "tok-valid"));
		runner(secret).run((context) -> {
			ReloadEvents events = context.getBean(ReloadEvents.class);
			secret.update("client.token", QUOTED);
			await().atMost(ReloadEvents.TIMEOUT)
				.untilAsserted(() -> assertThat(events.withOutcome(ReloadOutcome.REJECTED)).isNotEmpty());
			assertThat(events.withOutcome(ReloadOutcome.REJECTED).get(0).error())
				.endsWith("validation failed: 'client.token' violates Pattern (its message quotes the value)");
			assertThat(context.getBean(ClientProperties.class).getToken()).isEqualTo("tok-valid");
		});
		assertThat(output).contains("Config update rejected").doesNotContain(QUOTED);
	}

	private ApplicationContextRunner runner(KubeletVolume secret) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(ApplierConfiguration.class)
			.withPropertyValues("config.lag.paths=" + secret.directory(), "config.lag.watch.poll-interval=50ms",
					"config.lag.watch.quiet-period=50ms");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ClientProperties.class)
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

	@Validated
	@ConfigurationProperties("client")
	static class ClientProperties {

		@Pattern(regexp = "tok-[a-z]+", message = "'${validatedValue}' is not a token")
		private String token = "tok-default";

		String getToken() {
			return this.token;
		}

		void setToken(String token) {
			this.token = token;
		}

	}

}
