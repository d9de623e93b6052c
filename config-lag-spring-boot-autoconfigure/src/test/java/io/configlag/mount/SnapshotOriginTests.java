package io.configlag.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.env.ConfigTreePropertySource;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Origins of a snapshot are those Spring Boot's loaders and its
 * {@link ConfigTreePropertySource} give for the same files, stored with the values.
 *
 * @author The config-lag developers
 */
class SnapshotOriginTests {

	@TempDir
	Path temp;

	@Test
	void originsOfAVolumeEqualThoseOfBootsLoaders() throws IOException {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"));
		Map<String, String> payload = new LinkedHashMap<>();
		payload.put("a.properties", "a.one=1\na.two=2\nshared=a\n");
		payload.put("b.yaml", "b:\n  port: 8080\n  name: bee\nshared: b\n");
		payload.put("tree-key", "tree\n");
		for (int i = 0; i < 40; i++) {
			payload.put(String.format("group-%02d.properties", i),
					"group." + i + ".x=" + i + "\ngroup." + i + ".y=y\n");
		}
		volume.write(payload);
		Path directory = volume.directory();
		ConfigSnapshot snapshot = read(directory);
		Map<String, Origin> expected = new LinkedHashMap<>();
		for (String file : payload.keySet()) {
			if (file.contains(".")) {
				bootOrigins(directory.resolve(file)).forEach(expected::put);
			}
		}
		expected.remove("shared");
		expected.put("shared", bootOrigins(directory.resolve("b.yaml")).get("shared"));
		ConfigTreePropertySource tree = new ConfigTreePropertySource("tree", directory);
		expected.put("tree-key", tree.getOrigin("tree-key"));
		assertOrigins(snapshot, expected);
	}

	@Test
	void originsOfNestedFilesAndOfWatchedFiles() throws IOException {
		Path tree = Files.createDirectories(this.temp.resolve("tree/nested/deeper"));
		write(tree.resolve("deep.properties"), "deep=1\n");
		write(this.temp.resolve("tree/top.properties"), "top=2\n");
		Path single = write(this.temp.resolve("single.yaml"), "single:\n  value: 3\n");
		ConfigSnapshot snapshot = read(this.temp.resolve("tree"), single);
		Map<String, Origin> expected = new LinkedHashMap<>();
		expected.putAll(bootOrigins(tree.resolve("deep.properties")));
		expected.putAll(bootOrigins(this.temp.resolve("tree/top.properties")));
		expected.putAll(bootOrigins(single));
		assertOrigins(snapshot, expected);
	}

	private ConfigSnapshot read(Path... paths) {
		List<String> locations = new ArrayList<>();
		for (Path path : paths) {
			locations.add(path.toString());
		}
		return new MountedConfigReader(WatchedPath.of(locations), 1024 * 1024, new StandardEnvironment()).read();
	}

	private static void assertOrigins(ConfigSnapshot snapshot, Map<String, Origin> expected) {
		// Ask in an order that alternates between files, then in snapshot order
		List<String> names = new ArrayList<>(expected.keySet());
		for (int i = 0; i < names.size(); i++) {
			String name = names.get((i % 2 == 0) ? i / 2 : names.size() - 1 - i / 2);
			assertThat(snapshot.origin(name)).as(name).isEqualTo(expected.get(name));
		}
		for (String name : snapshot.names()) {
			if (expected.containsKey(name)) {
				Origin origin = snapshot.origin(name);
				assertThat(origin).as(name).isEqualTo(expected.get(name));
				assertThat(expected.get(name)).as(name).isEqualTo(origin);
				assertThat(origin).as(name).hasToString(expected.get(name).toString());
				assertThat(snapshot.properties().get(name)).as(name)
					.isInstanceOfSatisfying(OriginTrackedValue.class,
							(value) -> assertThat(value.getOrigin()).isSameAs(origin));
			}
		}
	}

	private static Map<String, Origin> bootOrigins(Path file) throws IOException {
		Map<String, Origin> origins = new LinkedHashMap<>();
		bootValues(file).forEach((name, value) -> origins.put(name, ((OriginTrackedValue) value).getOrigin()));
		return origins;
	}

	private static Map<String, Object> bootValues(Path file) throws IOException {
		PropertySourceLoader loader = file.toString().endsWith(".yaml") ? new YamlPropertySourceLoader()
				: new PropertiesPropertySourceLoader();
		Map<String, Object> values = new LinkedHashMap<>();
		for (PropertySource<?> source : loader.load(file.toString(), new FileSystemResource(file))) {
			values.putAll(((OriginTrackedMapPropertySource) source).getSource());
		}
		return values;
	}

	private static Path write(Path file, String content) throws IOException {
		return Files.write(file, content.getBytes(StandardCharsets.UTF_8));
	}

}
