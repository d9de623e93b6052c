package io.configlag.samples.featureflags;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import io.configlag.samples.featureflags.demo.ConfigLagDemo;
import io.configlag.samples.featureflags.demo.ConfigLagDemo.ConfigMapVolume;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's {@link ConfigMapVolume} must write exactly what the kubelet writes: it is
 * compared, layout and file events, with the {@link KubeletVolume} fixture the tests use.
 */
class ConfigLagDemoTests {

	private static final Map<String, String> FIRST = Map.of("config.yaml", ConfigLagDemo.CONFIG_YAML, "old", "x");

	private static final Map<String, String> SECOND = Map.of("config.yaml",
			ConfigLagDemo.CONFIG_YAML.replace("newUI: false", "newUI: true"), "new", "y");

	@TempDir
	Path temp;

	@Test
	void layoutIsTheKubeletLayoutAfterEveryWrite() throws IOException {
		KubeletVolume kubelet = KubeletVolume.configMap(this.temp.resolve("kubelet"));
		ConfigMapVolume demo = new ConfigMapVolume(this.temp.resolve("demo"));
		kubelet.write(FIRST);
		demo.write(FIRST, (step) -> {
		});
		assertThat(layout(demo.directory())).isEqualTo(layout(kubelet.directory()));
		kubelet.write(SECOND);
		demo.write(SECOND, (step) -> {
		});
		assertThat(layout(demo.directory())).isEqualTo(layout(kubelet.directory()))
			.containsEntry("..data", "-> ..<version>")
			.containsEntry("config.yaml", "-> ..data/config.yaml")
			.containsEntry("new", "-> ..data/new")
			.doesNotContainKey("old")
			.doesNotContainKey("..data_tmp");
		assertThat(demo.read()).containsOnlyKeys("config.yaml", "new");
	}

	@Test
	void unchangedPayloadWritesNothing() throws IOException {
		ConfigMapVolume demo = new ConfigMapVolume(this.temp.resolve("demo"));
		demo.write(FIRST, (step) -> {
		});
		Path data = Files.readSymbolicLink(demo.directory().resolve("..data"));
		List<String> steps = new ArrayList<>();
		assertThat(demo.write(FIRST, steps::add)).isFalse();
		assertThat(steps).isEmpty();
		assertThat(Files.readSymbolicLink(demo.directory().resolve("..data"))).isEqualTo(data);
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void fileEventsAreTheKubeletsEvents() throws Exception {
		KubeletVolume kubelet = KubeletVolume.configMap(this.temp.resolve("kubelet"));
		kubelet.write(FIRST);
		List<String> expected = events(kubelet.directory(), () -> kubelet.write(SECOND));
		ConfigMapVolume demo = new ConfigMapVolume(this.temp.resolve("demo"));
		demo.write(FIRST, (step) -> {
		});
		List<String> steps = new ArrayList<>();
		List<String> actual = events(demo.directory(), () -> demo.write(SECOND, steps::add));
		assertThat(actual).isEqualTo(expected)
			.containsSubsequence("ENTRY_CREATE ..data_tmp", "ENTRY_DELETE ..data_tmp", "ENTRY_CREATE ..data");
		assertThat(steps).anySatisfy((step) -> assertThat(step).startsWith("mv -T ..data_tmp ..data"));
	}

	private static List<String> events(Path directory, Runnable write) throws Exception {
		String before = Files.readSymbolicLink(directory.resolve("..data")).toString();
		try (WatchService watchService = FileSystems.getDefault().newWatchService()) {
			directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
					StandardWatchEventKinds.ENTRY_DELETE);
			write.run();
			String after = Files.readSymbolicLink(directory.resolve("..data")).toString();
			Function<Object, String> name = (
					context) -> context.toString().replace(before, "..<old>").replace(after, "..<new>");
			List<String> events = new ArrayList<>();
			while (!events.contains("ENTRY_DELETE ..<old>")) {
				WatchKey key = watchService.poll(5, TimeUnit.SECONDS);
				assertThat(key).as("events after %s", events).isNotNull();
				for (WatchEvent<?> event : key.pollEvents()) {
					events.add(event.kind().name() + " " + name.apply(event.context()));
				}
				key.reset();
			}
			return events;
		}
	}

	private static Map<String, String> layout(Path directory) throws IOException {
		Map<String, String> layout = new TreeMap<>();
		try (Stream<Path> entries = Files.walk(directory)) {
			for (Path entry : entries.filter((path) -> !path.equals(directory)).toList()) {
				String name = normalize(directory.relativize(entry).toString());
				if (Files.isSymbolicLink(entry)) {
					layout.put(name, "-> " + normalize(Files.readSymbolicLink(entry).toString()));
				}
				else {
					String permissions = java.nio.file.attribute.PosixFilePermissions
						.toString(Files.getPosixFilePermissions(entry));
					layout.put(name, Files.isDirectory(entry) ? "dir " + permissions
							: permissions + " " + Files.readString(entry));
				}
			}
		}
		return layout;
	}

	private static String normalize(String name) {
		return name.replaceAll("^\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+", "..<version>");
	}

}
