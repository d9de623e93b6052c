package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.cloud.ConfigLagLoggingRebinder;
import io.configlag.cloud.RefreshScopeApplier;
import io.configlag.mount.ConfigLoadException;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.watch.ConfigWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.logging.LoggingRebinder;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and wiring of {@link ConfigLagAutoConfiguration}.
 */
@InjectsFaults
class ConfigLagAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigLagAutoConfiguration.class,
				ConfigLagSpringCloudAutoConfiguration.class));

	@Test
	void backsOffWithoutPaths() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloader.class)
			.doesNotHaveBean(ConfigWatcher.class)
			.doesNotHaveBean(ConfigLagProperties.class));
	}

	@Test
	void backsOffWhenDisabled() {
		Path volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("a", "1")).directory();
		this.runner.withPropertyValues("config.lag.paths=" + volume, "config.lag.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigWatcher.class));
	}

	@Test
	void registersSourceReloaderAndWatcherWithPaths() {
		Path volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("a", "1")).directory();
		this.runner.withPropertyValues("config.lag.paths[0]=" + volume).run((context) -> {
			assertThat(context).hasSingleBean(ConfigReloader.class).hasSingleBean(ConfigWatcher.class);
			assertThat(context.getEnvironment().getProperty("a")).isEqualTo("1");
			assertThat(context.getBean(ConfigWatcher.class).isRunning()).isTrue();
			assertThat(context.getBean(ConfigWatcher.class).getMode()).isIn(WatchMode.NATIVE, WatchMode.POLLING);
		});
	}

	@Test
	void watchModeIsHonoured() {
		Path volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("a", "1")).directory();
		this.runner.withPropertyValues("config.lag.paths=" + volume, "config.lag.watch.mode=polling")
			.run((context) -> assertThat(context.getBean(ConfigWatcher.class).getMode()).isEqualTo(WatchMode.POLLING));
	}

	@Test
	void autoModeIsNativeOnLinux() {
		if (System.getProperty("os.name").toLowerCase().contains("linux")) {
			assertThat(ConfigWatcher.resolve(WatchMode.AUTO)).isEqualTo(WatchMode.NATIVE);
		}
		else {
			assertThat(ConfigWatcher.resolve(WatchMode.AUTO)).isIn(WatchMode.NATIVE, WatchMode.POLLING);
		}
	}

	@Test
	void springCloudsLoggingRebinderIsUntouchedWithoutPaths() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(LoggingRebinder.class)
			.doesNotHaveBean(ConfigLagLoggingRebinder.class));
	}

	@Test
	void loggingRebinderSkipsOnlyConfigLagReloads() {
		Path volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("a", "1")).directory();
		this.runner.withPropertyValues("config.lag.paths=" + volume).run((context) -> {
			assertThat(context).hasSingleBean(LoggingRebinder.class).hasSingleBean(ConfigLagLoggingRebinder.class);
			LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());
			String logger = "io.configlag.rebinder.test";
			org.slf4j.LoggerFactory.getLogger(logger);
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("test", Map.of("logging.level." + logger, "TRACE")));
			context.publishEvent(new EnvironmentChangeEvent(context.getBean(RefreshScopeApplier.class),
					Set.of("logging.level." + logger)));
			assertThat(loggingSystem.getLoggerConfiguration(logger).getConfiguredLevel()).isNotEqualTo(LogLevel.TRACE);
			context.publishEvent(new EnvironmentChangeEvent(context, Set.of("logging.level." + logger)));
			assertThat(loggingSystem.getLoggerConfiguration(logger).getConfiguredLevel()).isEqualTo(LogLevel.TRACE);
			loggingSystem.setLogLevel(logger, null);
		});
	}

	@Test
	void failsOnMissingMandatoryPath() {
		this.runner.withPropertyValues("config.lag.paths=" + this.temp.resolve("missing"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(ConfigLoadException.class)
				.hasMessageContaining("missing"));
	}

}
