package io.configlag.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DocumentActivation}: {@code spring.config.activate.on-cloud-platform}
 * is bound and matched as Spring Boot's config data does, together with
 * {@code on-profile}, and a directory's config-tree entries are activated as a whole.
 *
 * @author The config-lag developers
 */
class DocumentActivationTests {

	@TempDir
	Path temp;

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			kubernetes    | kubernetes    | 2
			kubernetes    | KUBERNETES    | 2
			cloud_foundry | cloud-foundry | 2
			heroku        | kubernetes    | 1
			none          | none          | 2
			none          | kubernetes    | 1
			""")
	void documentIsActiveOnTheActiveCloudPlatform(String active, String onCloudPlatform, String expected)
			throws Exception {
		ConfigSnapshot snapshot = read(environment(active),
				"a: 1\n---\nspring.config.activate.on-cloud-platform: " + onCloudPlatform + "\na: 2\n");
		assertThat(snapshot.getString("a")).isEqualTo(expected);
	}

	@Test
	void cloudPlatformAndProfileMustBothMatch() throws Exception {
		StandardEnvironment environment = environment("kubernetes");
		environment.setActiveProfiles("prod");
		String yaml = """
				a: 1
				---
				spring.config.activate:
				  on-cloud-platform: kubernetes
				  on-profile: dev
				a: 2
				---
				spring.config.activate:
				  on-cloud-platform: kubernetes
				  on-profile: prod
				b: 3
				""";
		ConfigSnapshot snapshot = read(environment, yaml);
		assertThat(snapshot.getString("a")).isEqualTo("1");
		assertThat(snapshot.getString("b")).isEqualTo("3");
	}

	@Test
	void configTreeIsActivatedAsAWholeAsBootActivatesAConfigTreeImport() throws Exception {
		Path tree = Files.createDirectories(this.temp.resolve("tree/spring/config/activate"));
		Files.writeString(tree.resolve("on-profile"), "prod\n");
		Files.writeString(this.temp.resolve("tree/token"), "abc\n");
		Files.writeString(this.temp.resolve("tree/app.yaml"), "app.name: yaml\n");
		StandardEnvironment environment = new StandardEnvironment();
		ConfigSnapshot inactive = reader(environment, this.temp.resolve("tree")).read();
		assertThat(inactive.properties()).containsOnlyKeys("app.name");
		environment.setActiveProfiles("prod");
		ConfigSnapshot active = reader(environment, this.temp.resolve("tree")).read();
		assertThat(active.properties()).containsOnlyKeys("app.name", "token", "spring.config.activate.on-profile");
		assertThat(active.getString("token")).isEqualTo("abc");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			spring.config.activate.onProfile: prod                  | 2
			spring.config.activate.on-profile: [dev, prod]          | 2
			spring.config.activate: {on-profile: prod}              | 2
			spring.config.activate.on-profile: dev                  | 1
			spring.config.activation.on-profile: dev                | 2
			""")
	void activationPropertiesAreFoundByTheNamesBootMapsThemTo(String activation, String expected) throws Exception {
		StandardEnvironment environment = new StandardEnvironment();
		environment.setActiveProfiles("prod");
		ConfigSnapshot snapshot = read(environment, "a: 1\n---\n" + activation + "\na: 2\n");
		assertThat(snapshot.getString("a")).isEqualTo(expected);
	}

	@Test
	void unknownCloudPlatformIsAConfigLoadExceptionWithoutTheValue() throws Exception {
		Path file = Files.writeString(this.temp.resolve("config.yaml"),
				"a: 1\n---\nspring.config.activate.on-cloud-platform: s3cr3t-platform\na: 2\n");
		assertThatExceptionOfType(ConfigLoadException.class)
			.isThrownBy(() -> reader(environment("kubernetes"), file).read())
			.withMessageContaining("config.yaml")
			.withMessageContaining("spring.config.activate.on-cloud-platform")
			.withMessageNotContaining("s3cr3t")
			.withNoCause();
	}

	private ConfigSnapshot read(StandardEnvironment environment, String yaml) throws Exception {
		return reader(environment, Files.writeString(this.temp.resolve("config.yaml"), yaml)).read();
	}

	private static MountedConfigReader reader(StandardEnvironment environment, Path file) {
		return new MountedConfigReader(WatchedPath.of(List.of(file.toString())), 1024 * 1024, environment);
	}

	private static StandardEnvironment environment(String cloudPlatform) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("spring.main.cloud-platform", cloudPlatform)));
		return environment;
	}

}
