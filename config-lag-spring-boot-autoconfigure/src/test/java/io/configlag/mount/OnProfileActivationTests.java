package io.configlag.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code spring.config.activate.on-profile} in a mounted multi-document file is read as
 * Spring Boot binds it (a {@code String[]}: comma-separated or a list, or-ed, no
 * restriction when empty), is a property only when its document is active (as with Spring
 * Boot's own imports), and an invalid expression is a {@link ConfigLoadException}, not an
 * exception that escapes the reader.
 */
class OnProfileActivationTests {

	@TempDir
	Path temp;

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			prod                  | 2
			dev                   | 1
			'dev, prod'           | 2
			'dev, test'           | 1
			'[dev, prod]'         | 2
			'[dev, test]'         | 1
			'prod & !dev'         | 2
			''''''                | 2
			~                     | 2
			""")
	void documentIsActiveAsInSpringBoot(String onProfile, String expected) throws Exception {
		ConfigSnapshot snapshot = read("a: 1\n---\nspring.config.activate.on-profile: " + onProfile + "\na: 2\n");
		assertThat(snapshot.getString("a")).isEqualTo(expected);
		assertThat(snapshot.properties().keySet().stream().anyMatch((key) -> key.startsWith("spring.config.activate")))
			.as("the activation properties of an active document are kept, as Spring Boot keeps them")
			.isEqualTo(expected.equals("2"));
	}

	@Test
	void commaSeparatedProfilesInPropertiesDocuments() throws Exception {
		Path file = Files.writeString(this.temp.resolve("application.properties"),
				"a=1\n#---\nspring.config.activate.on-profile=dev,prod\na=2\n");
		assertThat(read(file).getString("a")).isEqualTo("2");
	}

	@Test
	void invalidExpressionIsAConfigLoadException() throws Exception {
		Path file = Files.writeString(this.temp.resolve("config.yaml"),
				"a: 1\n---\nspring.config.activate.on-profile: [dev, '']\na: 2\n");
		assertThatExceptionOfType(ConfigLoadException.class).isThrownBy(() -> read(file))
			.withMessageContaining("config.yaml")
			.withMessageContaining("spring.config.activate.on-profile is not a valid profile expression");
	}

	private ConfigSnapshot read(String yaml) throws Exception {
		return read(Files.writeString(this.temp.resolve("config.yaml"), yaml));
	}

	private static ConfigSnapshot read(Path file) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.setActiveProfiles("prod");
		return new MountedConfigReader(WatchedPath.of(List.of(file.toString())), 1024 * 1024, environment).read();
	}

}
