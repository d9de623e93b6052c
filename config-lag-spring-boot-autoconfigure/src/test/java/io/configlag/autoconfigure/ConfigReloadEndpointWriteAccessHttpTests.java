package io.configlag.autoconfigure;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.configlag.test.ActuatorClient;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.TestRoots;
import io.configlag.watch.ConfigWatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code configreload} write operation over real HTTP once it is allowed with
 * {@code management.endpoint.configreload.access=unrestricted}. The watcher is stopped so
 * that every reload here is one that the endpoint asked for.
 */
@SpringBootTest(classes = ConfigReloadEndpointWriteAccessHttpTests.App.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "config.lag.paths=${config-lag.test.root}/config", "config.lag.reload.live-keys=app.*",
				"management.endpoints.web.exposure.include=configreload",
				"management.endpoint.configreload.access=unrestricted",
				"management.endpoint.configreload.show-values=when-authorized" })
@InjectsFaults
class ConfigReloadEndpointWriteAccessHttpTests {

	private static final Path root = TestRoots.create("config-lag-http-write");

	private static final KubeletVolume config = KubeletVolume.configMap(root.resolve("config"))
		.write(Map.of("config.yaml", "app:\n  name: initial\n"));

	@LocalServerPort
	private int port;

	@Autowired
	private ConfigWatcher watcher;

	private ActuatorClient actuator;

	@BeforeEach
	void stopWatching() {
		this.watcher.stop();
		this.actuator = new ActuatorClient(this.port);
	}

	@Test
	void writeOperationReloadsNow() {
		String previous = this.actuator.getJson("/actuator/configreload").read("$.version");
		String name = "manual-" + UUID.randomUUID();
		config.write(Map.of("config.yaml", "app:\n  name: " + name + "\n  color: blue\n"));
		HttpResponse<String> response = this.actuator.post("/actuator/configreload");
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext reload = JsonPath.parse(response.body());
		assertThat(reload.read("$.trigger", String.class)).isEqualTo("manual");
		assertThat(reload.read("$.outcome", String.class)).isEqualTo("applied");
		assertThat(reload.read("$.previousVersion", String.class)).isEqualTo(previous);
		assertThat(reload.read("$.changed", List.class)).contains("app.name");
		// Unauthenticated: when-authorized masks the values
		assertThat(reload.read("$.values", Map.class)).containsEntry("app.name", "******")
			.containsEntry("app.color", "******");
		assertThat(response.body()).doesNotContain(name);
		DocumentContext state = this.actuator.getJson("/actuator/configreload");
		assertThat(state.read("$.version", String.class)).isEqualTo(reload.read("$.version")).isNotEqualTo(previous);
		assertThat(state.read("$.lastReload.trigger", String.class)).isEqualTo("manual");
		assertThat(state.read("$.lastReload.values", Map.class)).containsEntry("app.name", "******");
		assertThat(state.jsonString()).doesNotContain(name);
	}

	@Test
	void writeOperationWithJsonBodyIsTheSameOperation() {
		String name = "json-" + UUID.randomUUID();
		config.write(Map.of("config.yaml", "app:\n  name: " + name + "\n"));
		HttpResponse<String> response = this.actuator.postJson("/actuator/configreload", "{}");
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext reload = JsonPath.parse(response.body());
		assertThat(reload.read("$.outcome", String.class)).isEqualTo("applied");
		assertThat(reload.read("$.values", Map.class)).containsEntry("app.name", "******");
		assertThat(response.body()).doesNotContain(name);
	}

	@Test
	void writeOperationWithoutChangeReportsUnchanged() {
		String version = this.actuator.getJson("/actuator/configreload").read("$.version");
		HttpResponse<String> response = this.actuator.post("/actuator/configreload");
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext reload = JsonPath.parse(response.body());
		assertThat(reload.read("$.trigger", String.class)).isEqualTo("manual");
		assertThat(reload.read("$.outcome", String.class)).isEqualTo("unchanged");
		assertThat(reload.read("$.version", String.class)).isEqualTo(version);
		assertThat(reload.read("$.changed", List.class)).isEmpty();
	}

	// No database: JDBC is on the test classpath for HikariReloadTests
	@SpringBootConfiguration
	@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
	static class App {

	}

}
