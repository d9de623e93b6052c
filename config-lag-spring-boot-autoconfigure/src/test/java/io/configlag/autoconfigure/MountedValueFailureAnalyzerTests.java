package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A real {@link SpringApplication} that fails to start because a property read from a
 * mounted file cannot be bound: Spring Boot's failure report names the property and the
 * file, and the value appears nowhere in the output (the report, the context's WARN, the
 * DEBUG log of the report), except, for a conversion outside the binder ({@code @Value},
 * {@code Environment#getProperty(key, type)}), in Spring Framework's WARN, which
 * config-lag cannot change. A property from anywhere else keeps Boot's report, value
 * included.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class MountedValueFailureAnalyzerTests {

	private static final String SECRET_PORT = "s3cr3t-where-a-port-goes";

	private static final String SHORT_PASSWORD = "short-s3cr3t";

	private static final String YAML_PORT = "yaml-s3cr3t-port";

	private static final String UNKNOWN_TOKEN = "tok-s3cr3t-unknown";

	private static final String QUOTED_TOKEN = "tok-S3CR3T-quoted";

	private static final String HIDDEN = "Value: (from a mounted file, not shown)";

	@TempDir
	Path temp;

	@Test
	void conversionFailureOfASecretNamesTheKeyAndTheFileButNotTheValue(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("app.port", SECRET_PORT + "\n", "app.password", "long-enough-s3cr3t-password"));
		failToStart(secret);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Failed to bind properties under 'app.port' to int:")
			.contains("Property: app.port")
			.contains(HIDDEN)
			.contains("Origin: file [" + secret.path("app.port") + "] - 1:1")
			.contains("Reason: failed to convert java.lang.String to int (caused by java.lang.NumberFormatException)")
			.contains("Exception encountered during context initialization")
			.doesNotContain("Application run failed")
			.doesNotContain(SECRET_PORT)
			.doesNotContain("long-enough-s3cr3t-password");
	}

	@Test
	void constraintViolationOfASecretHidesItsValueAndKeepsTheValueOfAnotherSource(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("app.password", SHORT_PASSWORD));
		failToStart(secret, "--app.name=ab");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Binding to target " + AppProperties.class.getName() + " failed:")
			.contains("Property: app.password")
			.contains(HIDDEN)
			.contains("Origin: file [" + secret.path("app.password") + "] - 1:1")
			.contains("Reason: size must be between 20 and 2147483647")
			.contains("Property: app.name")
			.contains("Value: \"ab\"")
			.contains("Origin: \"app.name\" from property source \"commandLineArgs\"")
			.contains("Reason: size must be between 3 and 2147483647")
			.doesNotContain("Application run failed")
			.doesNotContain(SHORT_PASSWORD);
	}

	@Test
	void constraintMessageThatQuotesTheValueOfASecretIsReplacedByTheConstraintsName(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("app.token", QUOTED_TOKEN));
		failToStart(secret);
		assertThat(output).contains("Property: app.token")
			.contains(HIDDEN)
			.contains("Reason: violates Pattern (its message quotes the value)")
			.doesNotContain(QUOTED_TOKEN);
	}

	@Test
	void conversionFailureInAYamlFileOfAConfigMapNamesTheLine(CapturedOutput output) {
		KubeletVolume configMap = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("application.yaml", "app:\n  name: orders\n  port: " + YAML_PORT + "\n"));
		failToStart(configMap);
		assertThat(output).contains("Property: app.port")
			.contains(HIDDEN)
			.contains("Origin: file [" + configMap.path("application.yaml") + "] - 3:9")
			.contains("caused by java.lang.NumberFormatException)")
			.doesNotContain(YAML_PORT);
	}

	@Test
	void unknownPropertyFromASecretHidesItsValue(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("strict.token", UNKNOWN_TOKEN));
		failToStart(secret);
		assertThat(output).contains("Property: strict.token")
			.contains(HIDDEN)
			.contains("Origin: file [" + secret.path("strict.token") + "] - 1:1")
			.contains("Reason: The elements [strict.token] were left unbound.")
			.doesNotContain(UNKNOWN_TOKEN);
	}

	@Test
	void debugLogOfTheFailureAnalysisDoesNotPrintTheValue(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret")).write(Map.of("app.port", SECRET_PORT));
		// What --debug turns on for the report, without leaving the rest of Boot at DEBUG
		// for the tests that run after this one in the same JVM
		String diagnostics = "org.springframework.boot.diagnostics";
		try {
			failToStart(secret, "--logging.level." + diagnostics + "=debug");
		}
		finally {
			((Logger) LoggerFactory.getLogger(diagnostics)).setLevel(null);
		}
		assertThat(output).contains("Application failed to start due to an exception")
			.contains("Failed to bind properties under 'app.port' to int (the exceptions that caused it")
			.contains("Property: app.port")
			.contains(HIDDEN)
			.doesNotContain(SECRET_PORT);
	}

	@Test
	void placeholderThatResolvesToASecretHidesTheResolvedValue(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("db.password", SHORT_PASSWORD));
		failToStart(secret, "--app.password=${db.password}");
		assertThat(output).contains("Property: app.password")
			.contains(HIDDEN)
			.contains("Origin: \"app.password\" from property source \"commandLineArgs\"")
			.contains("Reason: size must be between 20 and 2147483647")
			.doesNotContain(SHORT_PASSWORD);
	}

	@Test
	void conversionByTheEnvironmentHidesTheValueInTheReport(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("app.timeout", SECRET_PORT));
		failToStart(EnvironmentUser.class, secret);
		assertThat(report(output))
			.contains("Invalid value (from a mounted file, not shown) for configuration property 'app.timeout'"
					+ " (originating from 'file [" + secret.path("app.timeout") + "] - 1:1')")
			.contains("Failed to convert to type java.lang.Integer")
			.doesNotContain(SECRET_PORT);
		assertOnlyTheContextWarningQuotes(SECRET_PORT, output);
	}

	@Test
	void conversionOfAnInjectedValueHidesTheValueInTheReport(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("app.retries", SECRET_PORT));
		failToStart(ValueUser.class, secret);
		assertThat(report(output))
			.contains("A value from a mounted file could not be converted to int for bean 'retries':")
			.contains("Property: app.retries")
			.contains(HIDDEN)
			.contains("Origin: file [" + secret.path("app.retries") + "] - 1:1")
			.contains("Reason: failed to convert java.lang.String to int (caused by java.lang.NumberFormatException)")
			.doesNotContain(SECRET_PORT);
		assertOnlyTheContextWarningQuotes(SECRET_PORT, output);
	}

	@Test
	void propertyFromAnotherSourceKeepsSpringBootsReport(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("app.password", "long-enough-s3cr3t-password"));
		failToStart(secret, "--app.port=notanumber");
		assertThat(output).contains("Failed to bind properties under 'app.port' to int:")
			.contains("Value: \"notanumber\"")
			.contains("Origin: \"app.port\" from property source \"commandLineArgs\"")
			.contains("NumberFormatException: For input string: \"notanumber\"")
			.doesNotContain("from a mounted file");
	}

	private static String report(CapturedOutput output) {
		String all = output.toString();
		int start = all.indexOf("APPLICATION FAILED TO START");
		assertThat(start).isNotNegative();
		return all.substring(start);
	}

	/**
	 * Spring Framework's WARN quotes the message of the exception that stopped the
	 * refresh; for a conversion outside the binder that message has the value, and no
	 * failure analyzer runs before that line is logged. Nothing else may quote it, and
	 * Boot's "Application run failed" stack trace is not printed.
	 */
	private static void assertOnlyTheContextWarningQuotes(String value, CapturedOutput output) {
		assertThat(output.toString().lines().filter((line) -> line.contains(value))).singleElement()
			.asString()
			.contains("Exception encountered during context initialization");
		assertThat(output).doesNotContain("Application run failed");
	}

	private void failToStart(KubeletVolume volume, String... args) {
		failToStart(FailingApplication.class, volume, args);
	}

	private void failToStart(Class<?> source, KubeletVolume volume, String... args) {
		SpringApplication application = new SpringApplication(source);
		application.setWebApplicationType(WebApplicationType.NONE);
		List<String> arguments = new ArrayList<>(List.of(args));
		arguments.add("--config.lag.paths=" + volume.directory());
		assertThatException().isThrownBy(() -> application.run(arguments.toArray(String[]::new)).close());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
			ConfigLagAutoConfiguration.class })
	@EnableConfigurationProperties({ AppProperties.class, StrictProperties.class })
	static class FailingApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
			ConfigLagAutoConfiguration.class })
	static class EnvironmentUser {

		@Bean
		Duration timeout(Environment environment) {
			return Duration.ofSeconds(environment.getProperty("app.timeout", Integer.class, 1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
			ConfigLagAutoConfiguration.class })
	static class ValueUser {

		@Bean
		Duration retries(@Value("${app.retries}") int retries) {
			return Duration.ofSeconds(retries);
		}

	}

	@Validated
	@ConfigurationProperties("app")
	static class AppProperties {

		@Size(min = 3)
		private String name = "application";

		private int port;

		@Size(min = 20)
		private String password = "a-default-long-enough-password";

		@Pattern(regexp = "tok-[a-z]+", message = "'${validatedValue}' is not a token")
		private String token = "tok-default";

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		int getPort() {
			return this.port;
		}

		void setPort(int port) {
			this.port = port;
		}

		String getPassword() {
			return this.password;
		}

		void setPassword(String password) {
			this.password = password;
		}

		String getToken() {
			return this.token;
		}

		void setToken(String token) {
			this.token = token;
		}

	}

	@ConfigurationProperties(prefix = "strict", ignoreUnknownFields = false)
	static class StrictProperties {

		private String name = "strict";

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

	}

}
