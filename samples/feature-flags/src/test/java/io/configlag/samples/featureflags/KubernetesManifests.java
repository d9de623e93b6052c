package io.configlag.samples.featureflags;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every document of every file under {@code k8s/}, parsed with SnakeYAML.
 */
final class KubernetesManifests {

	static final Path DIRECTORY = Path.of("k8s");

	private final Map<Path, List<Map<String, Object>>> documents;

	private KubernetesManifests(Map<Path, List<Map<String, Object>>> documents) {
		this.documents = documents;
	}

	static KubernetesManifests load() {
		Map<Path, List<Map<String, Object>>> documents = new java.util.TreeMap<>();
		try (Stream<Path> files = Files.walk(DIRECTORY)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".yaml")).sorted().toList()) {
				documents.put(DIRECTORY.relativize(file), parse(file));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new KubernetesManifests(documents);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> parse(Path file) throws IOException {
		List<Map<String, Object>> documents = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(file)) {
			for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
				if (document != null) {
					assertThat(document).as("document in %s", file).isInstanceOf(Map.class);
					documents.add((Map<String, Object>) document);
				}
			}
		}
		return documents;
	}

	Map<Path, List<Map<String, Object>>> byFile() {
		return this.documents;
	}

	List<Map<String, Object>> all() {
		return this.documents.values().stream().flatMap(List::stream).toList();
	}

	Map<String, Object> single(String kind) {
		List<Map<String, Object>> matching = all().stream()
			.filter((document) -> kind.equals(document.get("kind")))
			.toList();
		assertThat(matching).as("documents of kind %s", kind).hasSize(1);
		return matching.get(0);
	}

	String configMapData(String key) {
		return (String) map(single("ConfigMap"), "data").get(key);
	}

	Map<String, Object> podSpec() {
		return map(map(map(single("Deployment"), "spec"), "template"), "spec");
	}

	Map<String, Object> container() {
		List<Map<String, Object>> containers = list(podSpec(), "containers");
		assertThat(containers).hasSize(1);
		return containers.get(0);
	}

	String probePath(String probe) {
		return (String) map(map(container(), probe), "httpGet").get("path");
	}

	String podAnnotation(String name) {
		return (String) map(map(map(map(single("Deployment"), "spec"), "template"), "metadata"), "annotations")
			.get(name);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Map<String, Object> parent, String key) {
		Object value = parent.get(key);
		assertThat(value).as(key).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
		Object value = parent.get(key);
		assertThat(value).as(key).isInstanceOf(List.class);
		return (List<Map<String, Object>>) value;
	}

}
