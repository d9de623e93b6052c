package io.configlag.samples.observability;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks of {@code grafana/config-lag-dashboard.json}: it parses, every query selects
 * only meters the starter exports, the required panels are there, and (with promtool)
 * every query is valid PromQL.
 */
class DashboardTests {

	private static final Path DASHBOARD = Path.of("grafana", "config-lag-dashboard.json");

	private final JsonNode dashboard = JsonMapper.builder().build().readTree(DASHBOARD.toFile());

	@TempDir
	Path temp;

	@Test
	void parsesAsAGrafanaDashboardOnAPrometheusDataSourceVariable() {
		assertThat(this.dashboard.path("title").asString()).isNotBlank();
		assertThat(this.dashboard.path("uid").asString()).isEqualTo("config-lag");
		assertThat(this.dashboard.path("schemaVersion").asInt()).isPositive();
		List<JsonNode> panels = panels();
		assertThat(panels).isNotEmpty().allSatisfy((panel) -> {
			assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
			assertThat(panel.path("targets")).isNotEmpty();
		});
		assertThat(panels).extracting((panel) -> panel.path("id").asInt()).doesNotHaveDuplicates();
	}

	@Test
	void everyQuerySelectsOnlyMetersTheStarterExports() {
		Map<String, String> queries = queries();
		assertThat(queries).hasSizeGreaterThan(10);
		queries.forEach((where, query) -> {
			assertThat(PromQl.metricNames(query)).as("metrics of %s: %s", where, query).isNotEmpty();
			assertThat(PromQl.unknownNames(query)).as("unknown metrics in %s: %s", where, query).isEmpty();
		});
	}

	@Test
	void hasTheLagOutcomeLastSuccessAndConvergencePanels() {
		List<String> exprs = new ArrayList<>(queries().values());
		assertThat(exprs).anySatisfy((expr) -> assertThat(expr).startsWith("histogram_quantile(0.5,")
			.contains("sum by (pod, le)")
			.contains("config_reload_lag_seconds_bucket"));
		assertThat(exprs).anySatisfy((expr) -> assertThat(expr).startsWith("histogram_quantile(0.99,")
			.contains("sum by (pod, le)")
			.contains("config_reload_lag_seconds_bucket"));
		assertThat(exprs).anySatisfy(
				(expr) -> assertThat(expr).contains("by (outcome, trigger)").contains("config_reload_seconds_count"));
		assertThat(exprs)
			.anySatisfy((expr) -> assertThat(expr).contains("time() - config_reload_last_success_timestamp_seconds"));
		assertThat(exprs).anySatisfy((expr) -> assertThat(expr)
			.startsWith("count by (application) (count by (application, version) (config_reload_info"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void bucketsTheDashboardUsesAreConfiguredInTheSample() throws IOException {
		Map<String, Object> application;
		try (InputStream yaml = Files
			.newInputStream(Path.of("..", "feature-flags", "src", "main", "resources", "application.yaml"))) {
			application = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
		}
		Map<String, Object> slo = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) application
			.get("management")).get("metrics")).get("distribution")).get("slo");
		assertThat(slo).containsKeys("config.reload.lag", "config.reload.publish.lag");
	}

	@Test
	void everyQueryIsValidPromQl() throws Exception {
		Path promtool = Promtool.require();
		List<Map<String, Object>> rules = new ArrayList<>();
		queries().values().forEach((query) -> {
			Map<String, Object> rule = new LinkedHashMap<>();
			rule.put("record", "dashboard:query_" + (rules.size() + 1));
			rule.put("expr", PromQl.withoutGrafanaVariables(query));
			rules.add(rule);
		});
		Path file = this.temp.resolve("dashboard-queries.yaml");
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		try (Writer writer = Files.newBufferedWriter(file)) {
			new Yaml(options).dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))), writer);
		}
		assertThat(promtool).isExecutable();
		assertThat(Promtool.run(this.temp, "check", "rules", file.toString()))
			.contains("SUCCESS: " + rules.size() + " rules found");
	}

	private List<JsonNode> panels() {
		List<JsonNode> panels = new ArrayList<>();
		collectPanels(this.dashboard.path("panels"), panels);
		return panels;
	}

	private static void collectPanels(JsonNode nodes, List<JsonNode> panels) {
		for (JsonNode panel : nodes) {
			if ("row".equals(panel.path("type").asString())) {
				collectPanels(panel.path("panels"), panels);
			}
			else {
				panels.add(panel);
			}
		}
	}

	private Map<String, String> queries() {
		Map<String, String> queries = new LinkedHashMap<>();
		for (JsonNode panel : panels()) {
			for (JsonNode target : panel.path("targets")) {
				queries.put("panel '" + panel.path("title").asString() + "' " + target.path("refId").asString(),
						target.path("expr").asString());
			}
		}
		for (JsonNode variable : this.dashboard.path("templating").path("list")) {
			if ("query".equals(variable.path("type").asString())) {
				queries.put("variable " + variable.path("name").asString(),
						PromQl.variableSelector(variable.path("query").path("query").asString()));
			}
		}
		return queries;
	}

}
