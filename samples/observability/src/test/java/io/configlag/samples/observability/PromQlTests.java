package io.configlag.samples.observability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromQl}: the scanner the dashboard and alert checks rely on.
 */
class PromQlTests {

	@Test
	void findsMetricNamesButNotFunctionsLabelsStringsDurationsOrVariables() {
		assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (pod, le) "
				+ "(rate(http_server_requests_seconds_bucket{namespace=~\"$namespace\", uri=\"/a{b}\"}[$__rate_interval])))"))
			.containsExactly("http_server_requests_seconds_bucket");
		assertThat(PromQl.metricNames("a_total unless on (pod) group_left (version) b_info offset 15m > bool 0"))
			.containsExactly("a_total", "b_info");
		assertThat(PromQl.metricNames("time() - last_seconds{job='x'} and ignoring (le) c:recorded:rate5m"))
			.containsExactly("c:recorded:rate5m", "last_seconds");
	}

	@Test
	void reportsNamesTheStarterDoesNotExport() {
		assertThat(
				PromQl.unknownNames("sum(rate(config_reload_seconds_count[5m])) / sum(rate(config_reloads_total[5m]))"))
			.containsExactly("config_reloads_total");
		assertThat(PromQl.unknownNames("count(count by (version) (config_reload_info))")).isEmpty();
	}

	@Test
	void grafanaVariableQueriesAndPlaceholders() {
		assertThat(PromQl.variableSelector("label_values(config_reload_info{namespace=~\"$namespace\"}, application)"))
			.isEqualTo("config_reload_info{namespace=~\"$namespace\"}");
		assertThat(PromQl.withoutGrafanaVariables("rate(x{a=~\"$namespace\"}[$__rate_interval])"))
			.isEqualTo("rate(x{a=~\".*\"}[5m])");
	}

}
