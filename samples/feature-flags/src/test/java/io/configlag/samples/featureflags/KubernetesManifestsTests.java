package io.configlag.samples.featureflags;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.configlag.samples.featureflags.demo.ConfigLagDemo;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Static checks of {@code k8s/}: there is no cluster here, so the manifests are parsed
 * and checked against what the application and config-lag need.
 */
class KubernetesManifestsTests {

	private final KubernetesManifests manifests = KubernetesManifests.load();

	@Test
	void everyDocumentParsesAndHasAKindAndAName() {
		assertThat(this.manifests.byFile()).isNotEmpty();
		this.manifests.byFile().forEach((file, documents) -> {
			assertThat(documents).as(file.toString()).isNotEmpty();
			for (Map<String, Object> document : documents) {
				if (!"Kustomization".equals(document.get("kind"))) {
					assertThat(document).as(file.toString()).containsKeys("apiVersion", "kind", "metadata");
					assertThat(KubernetesManifests.map(document, "metadata")).as(file.toString()).containsKey("name");
				}
			}
		});
		assertThat(this.manifests.all()).extracting((document) -> document.get("kind"))
			.contains("ConfigMap", "Secret", "Deployment", "Service", "ServiceMonitor", "Kustomization");
	}

	@Test
	void configMapHoldsTheFlagsTheDemoUses() {
		assertThat(this.manifests.configMapData("config.yaml")).isEqualTo(ConfigLagDemo.CONFIG_YAML);
	}

	@Test
	void configMapAndSecretAreMountedAsWholeVolumesWhereTheApplicationReadsThem() throws IOException {
		Map<String, Object> podSpec = this.manifests.podSpec();
		List<Map<String, Object>> volumes = KubernetesManifests.list(podSpec, "volumes");
		Map<String, Object> configVolume = volume(volumes, "configMap");
		Map<String, Object> secretVolume = volume(volumes, "secret");
		assertThat(KubernetesManifests.map(configVolume, "configMap")).containsEntry("name", name("ConfigMap"))
			.doesNotContainKey("items");
		assertThat(KubernetesManifests.map(secretVolume, "secret")).containsEntry("secretName", name("Secret"))
			.doesNotContainKey("items")
			.containsEntry("defaultMode", 0440);
		assertThat(KubernetesManifests.map(podSpec, "securityContext")).containsEntry("runAsNonRoot", true)
			.containsKey("fsGroup");
		List<Map<String, Object>> mounts = KubernetesManifests.list(this.manifests.container(), "volumeMounts");
		assertThat(mounts).allSatisfy((mount) -> assertThat(mount).doesNotContainKey("subPath")
			.doesNotContainKey("subPathExpr")
			.containsEntry("readOnly", true));
		String configMount = mountPath(mounts, configVolume);
		String secretMount = mountPath(mounts, secretVolume);
		assertThat(applicationPaths()).containsExactly(configMount + "/", "optional:" + secretMount + "/");
	}

	@Test
	void probesUseTheActuatorHealthGroupsAndTheApplicationEnablesThem() throws IOException {
		assertThat(this.manifests.probePath("livenessProbe")).isEqualTo("/actuator/health/liveness");
		assertThat(this.manifests.probePath("readinessProbe")).isEqualTo("/actuator/health/readiness");
		assertThat(this.manifests.probePath("startupProbe")).isEqualTo("/actuator/health/liveness");
		Map<String, Object> management = KubernetesManifests.map(applicationYaml(), "management");
		assertThat(KubernetesManifests
			.map(KubernetesManifests.map(KubernetesManifests.map(management, "endpoint"), "health"), "probes"))
			.containsEntry("enabled", true);
		assertThat((String) KubernetesManifests
			.map(KubernetesManifests.map(KubernetesManifests.map(management, "endpoints"), "web"), "exposure")
			.get("include")).contains("health", "configreload", "prometheus");
	}

	@Test
	void prometheusScrapesTheActuatorEndpointOnTheContainerPort() {
		Map<String, Object> port = KubernetesManifests.list(this.manifests.container(), "ports").get(0);
		assertThat(this.manifests.podAnnotation("prometheus.io/scrape")).isEqualTo("true");
		assertThat(this.manifests.podAnnotation("prometheus.io/path")).isEqualTo("/actuator/prometheus");
		assertThat(this.manifests.podAnnotation("prometheus.io/port"))
			.isEqualTo(String.valueOf(port.get("containerPort")));
		Map<String, Object> endpoint = KubernetesManifests
			.list(KubernetesManifests.map(this.manifests.single("ServiceMonitor"), "spec"), "endpoints")
			.get(0);
		assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", port.get("name"));
	}

	@Test
	void serviceAndServiceMonitorSelectThePods() {
		Map<String, Object> podLabels = KubernetesManifests.map(
				KubernetesManifests.map(KubernetesManifests
					.map(KubernetesManifests.map(this.manifests.single("Deployment"), "spec"), "template"), "metadata"),
				"labels");
		Map<String, Object> service = this.manifests.single("Service");
		assertThat(podLabels)
			.containsAllEntriesOf(KubernetesManifests.map(KubernetesManifests.map(service, "spec"), "selector"));
		assertThat(KubernetesManifests.list(KubernetesManifests.map(service, "spec"), "ports").get(0))
			.containsEntry("targetPort", "http");
		assertThat(KubernetesManifests.map(KubernetesManifests.map(service, "metadata"), "labels"))
			.containsAllEntriesOf(KubernetesManifests.map(KubernetesManifests
				.map(KubernetesManifests.map(this.manifests.single("ServiceMonitor"), "spec"), "selector"),
					"matchLabels"));
	}

	@Test
	void kustomizationAppliesEveryManifestButTheOptionalMonitoringOne() throws IOException {
		List<Object> resources = List.copyOf((List<?>) this.manifests.single("Kustomization").get("resources"));
		try (Stream<Path> files = Files.list(KubernetesManifests.DIRECTORY)) {
			assertThat(resources).containsExactlyInAnyOrderElementsOf(files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
				.toList());
		}
	}

	private static Map<String, Object> volume(List<Map<String, Object>> volumes, String type) {
		List<Map<String, Object>> matching = volumes.stream().filter((volume) -> volume.containsKey(type)).toList();
		assertThat(matching).as("%s volumes", type).hasSize(1);
		return matching.get(0);
	}

	private static String mountPath(List<Map<String, Object>> mounts, Map<String, Object> volume) {
		List<Map<String, Object>> matching = mounts.stream()
			.filter((mount) -> volume.get("name").equals(mount.get("name")))
			.toList();
		assertThat(matching).as("mounts of %s", volume.get("name")).hasSize(1);
		return (String) matching.get(0).get("mountPath");
	}

	private String name(String kind) {
		return (String) KubernetesManifests.map(this.manifests.single(kind), "metadata").get("name");
	}

	private static List<Object> applicationPaths() throws IOException {
		@SuppressWarnings("unchecked")
		List<Object> paths = (List<Object>) KubernetesManifests
			.map(KubernetesManifests.map(applicationYaml(), "config"), "lag")
			.get("paths");
		return paths;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> applicationYaml() throws IOException {
		try (InputStream yaml = Files.newInputStream(Path.of("src/main/resources/application.yaml"))) {
			return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
		}
	}

}
