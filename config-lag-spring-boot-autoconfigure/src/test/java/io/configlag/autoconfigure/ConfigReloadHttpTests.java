package io.configlag.autoconfigure;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.PathNotFoundException;
import io.configlag.test.ActuatorClient;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.PrometheusScrape;
import io.configlag.test.TestRoots;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code configreload} endpoint, the health indicator and the Prometheus scrape of a
 * real web application, over real HTTP, while the kubelet fixture updates a ConfigMap and
 * a Secret volume. The write operation is left at its default (read-only) access.
 */
@SpringBootTest(classes = ConfigReloadHttpTests.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "config.lag.paths=${config-lag.test.root}/config,${config-lag.test.root}/secret",
				"config.lag.watch.mode=native",
				"management.endpoints.web.exposure.include=configreload,health,prometheus,metrics",
				"management.endpoint.health.show-details=always" })
@InjectsFaults
class ConfigReloadHttpTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Path root = TestRoots.create("config-lag-http");

	private static final KubeletVolume config = KubeletVolume.configMap(root.resolve("config"))
		.write(Map.of("config.yaml", yaml("initial", "")));

	private static final KubeletVolume secret = KubeletVolume.secret(root.resolve("secret"))
		.write(Map.of("db.password", "initial-secret"));

	@LocalServerPort
	private int port;

	private ActuatorClient actuator;

	@BeforeEach
	void createClient() {
		this.actuator = new ActuatorClient(this.port);
	}

	@Test
	void readsNewVersionChangedKeysAndMaskedValuesAfterKubeletUpdate() {
		DocumentContext before = this.actuator.getJson("/actuator/configreload");
		String previous = before.read("$.version");
		String name = "name-" + UUID.randomUUID();
		config.write(Map.of("config.yaml", yaml(name, "")));
		DocumentContext after = awaitNewVersion(previous);
		assertThat(after.read("$.version", String.class)).matches("[0-9a-f]{12}");
		assertThat(after.read("$.watchMode", String.class)).isEqualTo("native");
		assertThat(after.read("$.watch.watching", Boolean.class)).isTrue();
		assertThat(after.read("$.warnings", List.class)).isEmpty();
		assertThat(after.read("$.paths[*].kind", List.class)).containsExactly("kubelet-volume", "kubelet-volume");
		assertThat(after.read("$.paths[*].kubeletVolume", List.class)).containsExactly(true, true);
		assertThat(after.read("$.paths[0].keys", Integer.class)).isEqualTo(2);
		assertThat(after.read("$.paths[0].writtenAt", String.class)).isNotNull();
		assertThat(after.read("$.lastSuccess.version", String.class)).isEqualTo(after.read("$.version"));
		assertThat(after.read("$.lastSuccess.previousVersion", String.class)).isEqualTo(previous);
		assertThat(after.read("$.lastSuccess.trigger", String.class)).isEqualTo("watch");
		assertThat(after.read("$.lastSuccess.outcome", String.class)).isEqualTo("applied");
		List<String> changed = after.read("$.lastSuccess.changed");
		assertThat(changed).contains("app.name");
		assertThat(after.read("$.lastSuccess.consumers['app.name']", List.class)).singleElement()
			.asString()
			.startsWith("bean:app-");
		assertThat(after.read("$.lastSuccess.restartKeys", List.class)).isEmpty();
		Map<String, Object> values = after.read("$.lastSuccess.values");
		assertThat(values).containsOnlyKeys(changed).containsEntry("app.name", "******");
		assertThat(values.values()).containsOnly("******");
		assertThat(Duration.parse(after.read("$.lastSuccess.lag", String.class))).isGreaterThanOrEqualTo(Duration.ZERO)
			.isLessThan(TIMEOUT);
		assertThat(after.read("$.counts.applied", Long.class)).isPositive();
		assertThat(after.jsonString()).doesNotContain(name);
	}

	@Test
	void secretValuesAreNeverPrinted() {
		String previous = this.actuator.getJson("/actuator/configreload").read("$.version");
		String password = "hunter2-" + UUID.randomUUID();
		secret.write(Map.of("db.password", password));
		DocumentContext after = awaitNewVersion(previous);
		assertThat(after.read("$.lastSuccess.changed", List.class)).containsExactly("db.password");
		assertThat(after.read("$.lastSuccess.values", Map.class)).containsExactly(Map.entry("db.password", "******"));
		assertThat(after.jsonString()).doesNotContain(password);
		assertThat(this.actuator.get("/actuator/health", "application/json").body()).doesNotContain(password);
		assertThat(this.actuator.get("/actuator/prometheus", "text/plain").body()).doesNotContain(password)
			.doesNotContain("db.password")
			.doesNotContain("db_password");
	}

	@Test
	void writeOperationIsRefusedByDefault() {
		assertThat(this.actuator.post("/actuator/configreload").statusCode()).isEqualTo(405);
		assertThat(this.actuator.postJson("/actuator/configreload", "{}").statusCode()).isEqualTo(405);
		DocumentContext state = this.actuator.getJson("/actuator/configreload");
		assertThat(state.read("$..trigger", List.class)).doesNotContain("manual");
	}

	@Test
	void healthShowsVersionOutcomeAndStaleness() {
		String previous = this.actuator.getJson("/actuator/configreload").read("$.version");
		config.write(Map.of("config.yaml", yaml("health-" + UUID.randomUUID(), "")));
		String version = awaitNewVersion(previous).read("$.version");
		DocumentContext health = this.actuator.getJson("/actuator/health/configReload");
		assertThat(health.read("$.status", String.class)).isEqualTo("UP");
		assertThat(health.read("$.details.version", String.class)).isEqualTo(version);
		assertThat(health.read("$.details.lastOutcome", String.class)).isEqualTo("applied");
		assertThat(health.read("$.details.stale", Boolean.class)).isFalse();
	}

	@Test
	void rejectedUpdateKeepsTheApplicationUp() {
		String version = this.actuator.getJson("/actuator/configreload").read("$.version");
		config.write(Map.of("config.yaml", "app:\n  name: [broken\n"));
		try {
			DocumentContext health = await().atMost(TIMEOUT)
				.until(() -> this.actuator.getJson("/actuator/health/configReload"),
						(json) -> "rejected".equals(json.read("$.details.lastOutcome")));
			assertThat(health.read("$.status", String.class)).isEqualTo("UP");
			assertThat(health.read("$.details.stale", Boolean.class)).isTrue();
			assertThat(health.read("$.details.version", String.class)).isEqualTo(version);
			assertThat(health.read("$.details.error", String.class)).contains("config.yaml");
			assertThat(this.actuator.get("/actuator/health", "application/json").statusCode()).isEqualTo(200);
			DocumentContext state = this.actuator.getJson("/actuator/configreload");
			assertThat(state.read("$.lastReload.outcome", String.class)).isEqualTo("rejected");
			assertThat(state.read("$.lastReload.error", String.class)).doesNotContain("[broken");
		}
		finally {
			config.write(Map.of("config.yaml", yaml("recovered-" + UUID.randomUUID(), "")));
			await().atMost(TIMEOUT)
				.until(() -> this.actuator.getJson("/actuator/configreload").read("$.lastReload.outcome"),
						"applied"::equals);
		}
	}

	@Test
	void metersAreReadableThroughTheMetricsEndpointAsTheReadmeShows() {
		String version = this.actuator.getJson("/actuator/configreload").read("$.version");
		config.write(Map.of("config.yaml", "app:\n  name: [broken\n"));
		await().atMost(TIMEOUT)
			.until(() -> this.actuator.getJson("/actuator/configreload").read("$.lastReload.outcome"),
					"rejected"::equals);
		DocumentContext rejected = this.actuator.getJson("/actuator/metrics/config.reload?tag=outcome:rejected");
		assertThat(rejected.read("$.measurements[?(@.statistic == 'COUNT')].value", List.class)).singleElement()
			.satisfies((count) -> assertThat(((Number) count).doubleValue()).isGreaterThanOrEqualTo(1));
		config.write(Map.of("config.yaml", yaml("metrics-" + UUID.randomUUID(), "")));
		awaitNewVersion(version);
		DocumentContext lag = this.actuator.getJson("/actuator/metrics/config.reload.lag");
		assertThat(lag.read("$.baseUnit", String.class)).isEqualTo("seconds");
		assertThat(lag.read("$.measurements[?(@.statistic == 'COUNT')].value", List.class)).singleElement()
			.satisfies((count) -> assertThat(((Number) count).doubleValue()).isGreaterThanOrEqualTo(1));
	}

	@Test
	void prometheusScrapeHasTheReloadMetersWithSaneValues() {
		long start = System.nanoTime();
		Instant startedAt = Instant.now();
		PrometheusScrape before = scrape();
		String previous = this.actuator.getJson("/actuator/configreload").read("$.version");
		assertThat(before.find("config_reload_info", "version", previous)).hasSize(1);
		config.write(Map.of("config.yaml", yaml("scrape-" + UUID.randomUUID(), Instant.now().toString())));
		String version = awaitNewVersion(previous).read("$.version");
		PrometheusScrape after = await().atMost(TIMEOUT)
			.until(this::scrape, (scrape) -> !scrape.find("config_reload_info", "version", version).isEmpty());
		double elapsed = (System.nanoTime() - start) / 1e9;
		// The observation: one timer per outcome and trigger
		assertThat(after.sum("config_reload_seconds_count", "outcome", "applied", "trigger", "watch")
				- before.sum("config_reload_seconds_count", "outcome", "applied", "trigger", "watch"))
			.isEqualTo(1);
		// Lag: from the ..data swap to applied, only this test's reload
		double lagCount = after.sum("config_reload_lag_seconds_count") - before.sum("config_reload_lag_seconds_count");
		double lagSum = after.sum("config_reload_lag_seconds_sum") - before.sum("config_reload_lag_seconds_sum");
		assertThat(lagCount).isEqualTo(1);
		assertThat(lagSum).isGreaterThanOrEqualTo(0).isLessThan(elapsed);
		assertThat(after.find("config_reload_lag_seconds_bucket", "trigger", "watch")).isNotEmpty();
		// Publish lag: from config.lag.published-at to applied
		double publishCount = after.sum("config_reload_publish_lag_seconds_count")
				- before.sum("config_reload_publish_lag_seconds_count");
		double publishSum = after.sum("config_reload_publish_lag_seconds_sum")
				- before.sum("config_reload_publish_lag_seconds_sum");
		assertThat(publishCount).isEqualTo(1);
		assertThat(publishSum).isGreaterThanOrEqualTo(0).isLessThan(elapsed);
		// Last success: during this test
		double lastSuccess = after.sum("config_reload_last_success_timestamp_seconds");
		assertThat(lastSuccess).isBetween(startedAt.toEpochMilli() / 1e3, Instant.now().toEpochMilli() / 1e3);
		// Info: the new version replaced the old one
		assertThat(after.find("config_reload_info")).singleElement()
			.satisfies((sample) -> assertThat(sample.labels()).containsExactly(Map.entry("version", version)))
			.satisfies((sample) -> assertThat(sample.value()).isEqualTo(1));
		// Watched files: config.yaml and db.password
		assertThat(after.sum("config_reload_watched_files")).isEqualTo(2);
	}

	@Test
	void promtoolAcceptsTheScrape() throws Exception {
		String promtool = findOnPath("promtool");
		assumeThat(promtool)
			.as("promtool is not on the PATH; install it (Debian: apt-get install prometheus)"
					+ " to check the scrape with 'promtool check metrics'")
			.isNotNull();
		String previous = this.actuator.getJson("/actuator/configreload").read("$.version");
		config.write(Map.of("config.yaml", yaml("promtool-" + UUID.randomUUID(), Instant.now().toString())));
		awaitNewVersion(previous);
		String scrape = this.actuator.get("/actuator/prometheus", "text/plain").body();
		String ours = scrape.lines()
			.filter((line) -> line.startsWith("config_reload") || line.startsWith("# HELP config_reload")
					|| line.startsWith("# TYPE config_reload"))
			.collect(Collectors.joining("\n", "", "\n"));
		assertThat(ours).contains("config_reload_seconds_count", "config_reload_lag_seconds_count",
				"config_reload_publish_lag_seconds_count", "config_reload_last_success_timestamp_seconds",
				"config_reload_info", "config_reload_watched_files");
		// Our meters: parsed and lint-free
		PromtoolResult result = promtool(promtool, ours);
		assertThat(result.exitCode()).as("promtool check metrics:%n%s", result.output()).isZero();
		// The whole scrape: parsed (Spring Boot's and the JVM's own meters have lint
		// findings, exit code 3, that are not ours), with no finding about our meters
		PromtoolResult whole = promtool(promtool, scrape);
		assertThat(whole.exitCode()).as("promtool check metrics:%n%s", whole.output()).isIn(0, 3);
		assertThat(whole.output()).doesNotContain("config_reload").doesNotContainIgnoringCase("error");
	}

	private static PromtoolResult promtool(String promtool, String scrape) throws Exception {
		Process process = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
		try (OutputStream input = process.getOutputStream()) {
			input.write(scrape.getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new PromtoolResult(process.exitValue(), output);
	}

	private PrometheusScrape scrape() {
		return PrometheusScrape.parse(this.actuator.get("/actuator/prometheus", "text/plain").body());
	}

	private DocumentContext awaitNewVersion(String previous) {
		// The version changes a moment before the reload's result is recorded
		return await().atMost(TIMEOUT)
			.ignoreException(PathNotFoundException.class)
			.until(() -> this.actuator.getJson("/actuator/configreload"),
					(json) -> !previous.equals(json.read("$.version"))
							&& "applied".equals(json.read("$.lastReload.outcome")));
	}

	static String findOnPath(String command) throws IOException {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, command);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	static String yaml(String name, String publishedAt) {
		return """
				app:
				  name: %s
				config.lag.published-at: "%s"
				""".formatted(name, publishedAt);
	}

	record PromtoolResult(int exitCode, String output) {

	}

	// No database: JDBC is on the test classpath for HikariReloadTests
	@SpringBootConfiguration
	@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
	@EnableConfigurationProperties({ AppProperties.class, DbProperties.class })
	static class App {

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String name;

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

	}

	@ConfigurationProperties("db")
	static class DbProperties {

		private String password;

		String getPassword() {
			return this.password;
		}

		void setPassword(String password) {
			this.password = password;
		}

	}

}
