package io.configlag.samples.observability;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks of {@code prometheus/config-lag-alerts.yaml}: {@code promtool check rules}, the
 * rule unit tests ({@code promtool test rules}), and the meter names the rules use.
 */
class AlertRulesTests {

	private static final Path DIRECTORY = Path.of("prometheus");

	private static final String RULES = "config-lag-alerts.yaml";

	@Test
	void promtoolCheckRulesPasses() throws Exception {
		assertThat(Promtool.run(DIRECTORY, "check", "rules", RULES)).contains("SUCCESS: 3 rules found");
	}

	@Test
	void alertsFireAsTheRuleUnitTestsExpect() throws Exception {
		assertThat(Promtool.run(DIRECTORY, "test", "rules", "config-lag-alerts-tests.yaml")).contains("SUCCESS");
	}

	@Test
	void rulesSelectOnlyMetersTheStarterExports() throws IOException {
		List<Map<String, Object>> rules = rules();
		assertThat(rules).isNotEmpty().allSatisfy((rule) -> {
			String expr = (String) rule.get("expr");
			assertThat(PromQl.metricNames(expr)).as("metrics of %s", rule.get("alert")).isNotEmpty();
			assertThat(PromQl.unknownNames(expr)).as("unknown metrics in %s", rule.get("alert")).isEmpty();
		});
	}

	@Test
	void alertsOnRejectedReloadsAndOnVersionsThatDoNotConverge() throws IOException {
		Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
		rules().forEach((rule) -> byName.put((String) rule.get("alert"), rule));
		assertThat(byName).containsKeys("ConfigReloadRejected", "ConfigVersionNotConverged");
		assertThat((String) byName.get("ConfigReloadRejected").get("expr")).contains("outcome=~\"(?i)rejected\"");
		assertThat(byName.get("ConfigVersionNotConverged")).containsEntry("for", "10m");
		assertThat((String) byName.get("ConfigVersionNotConverged").get("expr"))
			.contains("count by (namespace, application, version) (config_reload_info)");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rules() throws IOException {
		try (Reader reader = Files.newBufferedReader(DIRECTORY.resolve(RULES))) {
			Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
			return ((List<Map<String, Object>>) file.get("groups")).stream()
				.flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream())
				.toList();
		}
	}

}
