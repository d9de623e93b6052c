package io.configlag.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import jakarta.validation.constraints.Size;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Secret volume (files of mode 0400) is read and rebound like any other, and its values
 * never appear in a rejection message or in the log, whatever the reload did: rejected
 * for a wrong type, for invalid YAML next to a secret, for a constraint on the secret
 * itself, or applied. The config-lag loggers run at DEBUG so that every message they can
 * write is checked.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class SecretVolumeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String PASSWORD = "s3cr3t-initial-password";

	private static final String TOKEN = "tok-initial-s3cr3t";

	private static final String WRONG_TYPE = "s3cr3t-where-a-number-goes";

	private static final String TOKEN_NEXT_TO_BROKEN_YAML = "tok-rejected-s3cr3t";

	private static final String TOO_SHORT = "short-s3cr3t";

	private static final String NEW_PASSWORD = "s3cr3t-applied-password";

	private static final List<String> SECRETS = List.of(PASSWORD, TOKEN, WRONG_TYPE, TOKEN_NEXT_TO_BROKEN_YAML,
			TOO_SHORT, NEW_PASSWORD);

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void secretValuesNeverReachMessagesOrLogs(WatchMode mode, CapturedOutput output) throws Exception {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("db.password", PASSWORD + "\n", "db.pool-size", "4", "credentials.yaml",
					"db:\n  token: " + TOKEN + "\n"));
		assertThat(Files.getPosixFilePermissions(secret.path("db.password").toRealPath()))
			.isEqualTo(PosixFilePermissions.fromString("r--------"));
		Logger logger = (Logger) LoggerFactory.getLogger("io.configlag");
		Level level = logger.getLevel();
		logger.setLevel(Level.DEBUG);
		try {
			runner(mode, secret.directory()).run((context) -> {
				ConfigReloader reloader = context.getBean(ConfigReloader.class);
				ReloadEvents events = context.getBean(ReloadEvents.class);
				DatabaseProperties database = context.getBean(DatabaseProperties.class);
				assertThat(database.getPassword()).isEqualTo(PASSWORD);
				assertThat(database.getToken()).isEqualTo(TOKEN);
				assertThat(database.getPoolSize()).isEqualTo(4);
				// Rejected: a secret where a number goes
				secret.update("db.pool-size", WRONG_TYPE);
				awaitRejection(reloader, "'db.pool-size'", "cannot be converted to int");
				secret.update("db.pool-size", "4");
				awaitBackOnTheGoodVersion(reloader);
				// Rejected: a secret on the line before a syntax error
				secret.update("credentials.yaml", "db:\n  token: " + TOKEN_NEXT_TO_BROKEN_YAML + "\n  url: [x\n");
				awaitRejection(reloader, "credentials.yaml", "Invalid YAML");
				secret.update("credentials.yaml", "db:\n  token: " + TOKEN + "\n");
				awaitBackOnTheGoodVersion(reloader);
				// Rejected: the secret itself violates a constraint
				secret.update("db.password", TOO_SHORT);
				awaitRejection(reloader, "'db.password'", "size must be between 16");
				assertThat(database.getPassword()).isEqualTo(PASSWORD);
				assertThat(context.getEnvironment().getProperty("db.password")).isEqualTo(PASSWORD);
				// Applied
				secret.update("db.password", NEW_PASSWORD);
				awaiting().untilAsserted(() -> assertThat(database.getPassword()).isEqualTo(NEW_PASSWORD));
				awaiting().untilAsserted(() -> assertThat(events.withOutcome(ReloadOutcome.APPLIED))
					.anySatisfy((applied) -> assertThat(applied.changed()).contains("db.password")));
				assertThat(events.withOutcome(ReloadOutcome.REJECTED)).hasSizeGreaterThanOrEqualTo(3)
					.allSatisfy((rejected) -> {
						assertThat(rejected.error()).isNotBlank();
						SECRETS.forEach((value) -> assertThat(rejected.error()).doesNotContain(value));
					});
				assertThat(events.all()).allSatisfy(
						(result) -> assertThat(result.toString()).doesNotContain(SECRETS.toArray(String[]::new)));
			});
		}
		finally {
			logger.setLevel(level);
		}
		assertThat(output).contains("Config update rejected").contains("cannot be converted to int");
		assertThat(output).contains("changed [db.password]");
		SECRETS.forEach((value) -> assertThat(output).doesNotContain(value));
	}

	private static void awaitRejection(ConfigReloader reloader, String... expectedInError) {
		awaiting().untilAsserted(() -> {
			ConfigReloadResult last = reloader.getLastReload();
			assertThat(last).isNotNull();
			assertThat(last.outcome()).isEqualTo(ReloadOutcome.REJECTED);
			assertThat(last.error()).contains(expectedInError);
		});
	}

	private static void awaitBackOnTheGoodVersion(ConfigReloader reloader) {
		awaiting().untilAsserted(() -> assertThat(reloader.getLastReload()).isNotNull()
			.extracting(ConfigReloadResult::outcome)
			.isEqualTo(ReloadOutcome.UNCHANGED));
	}

	private ApplicationContextRunner runner(WatchMode mode, Path path) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + path, "config.lag.watch.mode=" + mode,
					"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms");
	}

	private static ConditionFactory awaiting() {
		return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DatabaseProperties.class)
	static class TestConfiguration {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

	}

	@Validated
	@ConfigurationProperties("db")
	static class DatabaseProperties {

		@Size(min = 16)
		private String password;

		private String token;

		private int poolSize = 1;

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

		int getPoolSize() {
			return this.poolSize;
		}

		void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

	}

}
