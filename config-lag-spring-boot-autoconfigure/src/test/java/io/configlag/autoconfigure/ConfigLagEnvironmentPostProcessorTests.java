package io.configlag.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.configlag.mount.ConfigLoadException;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConfigLagEnvironmentPostProcessor}, through a real
 * {@link SpringApplication}.
 */
@InjectsFaults
class ConfigLagEnvironmentPostProcessorTests {

	@TempDir
	Path temp;

	private ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		List<String> arguments = new ArrayList<>(List.of(args));
		arguments.add("--spring.config.location=classpath:/precedence/application.yaml");
		return application.run(arguments.toArray(new String[0]));
	}

	private Path volume(String yaml) {
		return KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("config.yaml", yaml)).directory();
	}

	@Test
	void defaultPrecedenceIsLikeAnExternalConfigFile() {
		Path volume = volume("precedence:\n  packaged: mounted\n  cli: mounted\n  system: mounted\n");
		System.setProperty("precedence.system", "system");
		try (ConfigurableApplicationContext context = run("--config.lag.paths=" + volume, "--precedence.cli=cli")) {
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(environment.getProperty("precedence.packaged")).isEqualTo("mounted");
			assertThat(environment.getProperty("precedence.cli")).isEqualTo("cli");
			assertThat(environment.getProperty("precedence.system")).isEqualTo("system");
			List<String> names = names(environment);
			assertThat(names.indexOf("configLag")).isGreaterThan(names.indexOf("systemEnvironment"))
				.isLessThan(indexOfApplicationConfig(names));
		}
		finally {
			System.clearProperty("precedence.system");
		}
	}

	@Test
	void overridePrecedenceBeatsCommandLine() {
		Path volume = volume("precedence:\n  cli: mounted\n");
		try (ConfigurableApplicationContext context = run("--config.lag.paths=" + volume,
				"--config.lag.precedence=override", "--precedence.cli=cli")) {
			assertThat(context.getEnvironment().getProperty("precedence.cli")).isEqualTo("mounted");
			// Only Boot's attached adapter over all sources stays in front
			assertThat(names(context.getEnvironment())).startsWith("configurationProperties", "configLag");
		}
	}

	@Test
	void fallbackPrecedenceIsBelowPackagedConfig() {
		Path volume = volume("precedence:\n  packaged: mounted\n  only-mounted: mounted\n");
		try (ConfigurableApplicationContext context = run("--config.lag.paths=" + volume,
				"--config.lag.precedence=fallback")) {
			assertThat(context.getEnvironment().getProperty("precedence.packaged")).isEqualTo("packaged");
			assertThat(context.getEnvironment().getProperty("precedence.only-mounted")).isEqualTo("mounted");
		}
	}

	@Test
	void missingPathFailsStartupClearly() {
		Path missing = this.temp.resolve("missing");
		assertThatExceptionOfType(ConfigLoadException.class)
			.isThrownBy(() -> run("--config.lag.paths=" + missing).close())
			.withMessageContaining(missing.toString());
	}

	@Test
	void disabledDoesNothing() throws Exception {
		Path volume = volume("precedence:\n  packaged: mounted\n");
		try (ConfigurableApplicationContext context = run("--config.lag.paths=" + volume,
				"--config.lag.enabled=false")) {
			assertThat(context.getEnvironment().getPropertySources().contains("configLag")).isFalse();
			assertThat(context.getBeanNamesForType(ConfigReloader.class)).isEmpty();
		}
		assertThat(Files.exists(volume)).isTrue();
	}

	private static List<String> names(ConfigurableEnvironment environment) {
		return environment.getPropertySources().stream().map(PropertySource::getName).toList();
	}

	private static int indexOfApplicationConfig(List<String> names) {
		for (int i = 0; i < names.size(); i++) {
			if (names.get(i).contains("application.yaml")) {
				return i;
			}
		}
		throw new AssertionError("No application.yaml source in " + names);
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
