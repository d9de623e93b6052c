package io.configlag.samples.featureflags;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application as deployed: its real {@code application.yaml}, a real server on
 * a random port, the ConfigMap content of {@code k8s/configmap.yaml} in a volume written
 * by the kubelet fixture, and a Secret volume. Every update goes through the kubelet's
 * atomic writer; the application is never restarted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "config.lag.paths=${feature-flags.test.volumes}/config,${feature-flags.test.volumes}/secrets")
@ExtendWith(OutputCaptureExtension.class)
class FeatureFlagsApplicationTests {

	private static final String CONFIG_YAML = KubernetesManifests.load().configMapData("config.yaml");

	private static final String INITIAL_TOKEN = "initial-token-4f1b2c";

	private static final Path volumes = createTempDirectory();

	private static final KubeletVolume config = KubeletVolume.configMap(volumes.resolve("config"))
		.write(Map.of("config.yaml", CONFIG_YAML));

	private static final KubeletVolume secrets = KubeletVolume.secret(volumes.resolve("secrets"))
		.write(Map.of("downstream.api-token", INITIAL_TOKEN));

	@LocalServerPort
	private int port;

	@Autowired
	private LoggingSystem loggingSystem;

	@Autowired
	private DownstreamProperties downstream;

	private RestTestClient client;

	@BeforeEach
	void client() {
		this.client = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@AfterEach
	void restoreManifestContent() {
		config.write(Map.of("config.yaml", CONFIG_YAML));
		secrets.write(Map.of("downstream.api-token", INITIAL_TOKEN));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertFlags("INFO", false));
	}

	@Test
	void newUiFlagFlipsLiveWhenTheKubeletSwapsTheConfigMap(CapturedOutput output) {
		this.client.get()
			.uri("/flags")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"logLevel\":\"INFO\",\"featureFlags\":{\"newUI\":false}}", JsonCompareMode.STRICT);
		config.update("config.yaml", CONFIG_YAML.replace("newUI: false", "newUI: true"));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertFlags("INFO", true));
		assertThat(output).containsPattern("Config version \\w+ applied \\d+ ms after it was written to disk "
				+ "\\(changed \\[featureFlags.newUI\\].*now serving logLevel=INFO, featureFlags.newUI=true");
	}

	@Test
	void logLevelIsAppliedToTheApplicationLoggerLive() {
		assertThat(loggerLevel()).isEqualTo(LogLevel.INFO);
		config.update("config.yaml", CONFIG_YAML.replace("logLevel: INFO", "logLevel: DEBUG"));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertFlags("DEBUG", false);
			assertThat(loggerLevel()).isEqualTo(LogLevel.DEBUG);
		});
	}

	@Test
	void updateThatDoesNotBindIsRejectedAndTheLastGoodFlagsStay(CapturedOutput output) {
		config.update("config.yaml",
				CONFIG_YAML.replace("logLevel: INFO", "logLevel: LOUD").replace("newUI: false", "newUI: true"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).contains("Config update rejected; still serving version"));
		assertFlags("INFO", false);
		assertThat(loggerLevel()).isEqualTo(LogLevel.INFO);
	}

	@Test
	void rotatedSecretIsAppliedLiveAndNeverShown(CapturedOutput output) {
		String rotated = "rotated-token-9d7e0a";
		secrets.update("downstream.api-token", rotated);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.downstream.getApiToken()).isEqualTo(rotated));
		String flags = this.client.get().uri("/flags").exchange().returnResult(String.class).getResponseBody();
		assertThat(flags).doesNotContain(rotated).doesNotContain(INITIAL_TOKEN);
		assertThat(output).contains("downstream.api-token").doesNotContain(rotated).doesNotContain(INITIAL_TOKEN);
	}

	@Test
	void probesAndPrometheusScrapeEndpointUsedByTheManifestsAreExposed() {
		KubernetesManifests manifests = KubernetesManifests.load();
		for (String path : new String[] { manifests.probePath("livenessProbe"), manifests.probePath("readinessProbe"),
				manifests.probePath("startupProbe") }) {
			this.client.get()
				.uri(path)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP");
		}
		this.client.get()
			.uri(manifests.podAnnotation("prometheus.io/path"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("application=\"feature-flags\""));
	}

	private void assertFlags(String logLevel, boolean newUi) {
		this.client.get()
			.uri("/flags")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.logLevel")
			.isEqualTo(logLevel)
			.jsonPath("$.featureFlags.newUI")
			.isEqualTo(newUi);
	}

	private LogLevel loggerLevel() {
		return this.loggingSystem.getLoggerConfiguration(FlagsReloadListener.LOGGER_NAME).getConfiguredLevel();
	}

	private static Path createTempDirectory() {
		try {
			Path root = Files.createTempDirectory("feature-flags-volumes");
			System.setProperty("feature-flags.test.volumes", root.toString());
			return root;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
