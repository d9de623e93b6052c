package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.watch.ConfigWatcher;
import jakarta.validation.constraints.Max;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reload log lines: one INFO line per applied reload with the version, the key names
 * and the lag; one WARN line per rejected reload with the reason; never a value.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class ConfigReloadLoggingTests {

	private static final String SECRET = "do-not-log-7f3a";

	@TempDir
	Path temp;

	private KubeletVolume config;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createVolume() {
		this.config = KubeletVolume.configMap(this.temp.resolve("config"));
		this.config.write(Map.of("config.yaml", "app:\n  name: v0\n  limit: 1\n"));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class))
			.withUserConfiguration(AppPropertiesConfiguration.class)
			.withPropertyValues("config.lag.paths=" + this.config.directory(), "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=1h");
	}

	@Test
	void appliedReloadLogsVersionKeysAndLagButNoValue(CapturedOutput output) {
		this.runner.run((context) -> {
			context.getBean(ConfigWatcher.class).stop();
			this.config.write(Map.of("config.yaml", "app:\n  name: " + SECRET + "\n  limit: 2\n"));
			ConfigReloadResult result = context.getBean(ConfigReloader.class).reload(ReloadTrigger.MANUAL);
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(output).contains("INFO", "Config version " + result.version() + " applied", "lag ")
				.containsPattern("changed \\[(app.limit, app.name|app.name, app.limit)\\]")
				.doesNotContain(SECRET);
		});
	}

	@Test
	void rejectedReloadLogsTheReasonButNoValue(CapturedOutput output) {
		this.runner.run((context) -> {
			context.getBean(ConfigWatcher.class).stop();
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  limit: 7319\n"));
			assertThat(reloader.reload(ReloadTrigger.MANUAL).outcome()).isEqualTo(ReloadOutcome.REJECTED);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  limit: " + SECRET + "\n"));
			assertThat(reloader.reload(ReloadTrigger.MANUAL).outcome()).isEqualTo(ReloadOutcome.REJECTED);
			assertThat(output)
				.contains("WARN", "Config update rejected",
						"validation failed: 'app.limit' must be less than or equal to 10", "property 'app.limit'",
						"cannot be converted to int")
				.doesNotContain(SECRET)
				.doesNotContain("7319");
		});
	}

	@Test
	void sameRejectionOfAnotherVersionIsLoggedAgainButNotOfTheSameVersion(CapturedOutput output) {
		this.runner.run((context) -> {
			context.getBean(ConfigWatcher.class).stop();
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  limit: 11\n"));
			reloader.reload(ReloadTrigger.MANUAL);
			reloader.reload(ReloadTrigger.MANUAL);
			assertThat(output.getOut().split("Config update rejected", -1)).hasSize(2);
			// The same bad value stays while another key changes: a new version, rejected
			// for the same reason, and said again
			this.config.write(Map.of("config.yaml", "app:\n  name: v2\n  limit: 11\n"));
			assertThat(reloader.reload(ReloadTrigger.MANUAL).outcome()).isEqualTo(ReloadOutcome.REJECTED);
			assertThat(output.getOut().split("Config update rejected", -1)).hasSize(3);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AppProperties.class)
	static class AppPropertiesConfiguration {

	}

	@Validated
	@ConfigurationProperties("app")
	static class AppProperties {

		private String name;

		@Max(10)
		private int limit;

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		int getLimit() {
			return this.limit;
		}

		void setLimit(int limit) {
			this.limit = limit;
		}

	}

}
