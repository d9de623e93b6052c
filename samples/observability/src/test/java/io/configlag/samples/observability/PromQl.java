package io.configlag.samples.observability;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meter names config-lag exports, as Prometheus names, and a small PromQL scanner
 * that finds the metric names a query selects.
 */
final class PromQl {

	/**
	 * Every series name the starter exports: the {@code config.reload} observation (a
	 * timer tagged {@code outcome} and {@code trigger}), the two lag timers (with
	 * buckets, as the feature-flags sample configures SLO boundaries for them) and the
	 * three gauges.
	 */
	static final Set<String> EXPORTED = Set.of("config_reload_seconds_count", "config_reload_seconds_sum",
			"config_reload_seconds_max", "config_reload_lag_seconds_bucket", "config_reload_lag_seconds_count",
			"config_reload_lag_seconds_sum", "config_reload_lag_seconds_max",
			"config_reload_publish_lag_seconds_bucket", "config_reload_publish_lag_seconds_count",
			"config_reload_publish_lag_seconds_sum", "config_reload_publish_lag_seconds_max",
			"config_reload_last_success_timestamp_seconds", "config_reload_info", "config_reload_watched_files");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
			"group_left", "group_right", "bool", "offset", "atan2", "inf", "nan");

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");

	private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");

	private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");

	private static final Pattern LABEL_LIST = Pattern
		.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

	private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

	private PromQl() {
	}

	/**
	 * Return the metric names a PromQL query selects (functions, aggregations, keywords,
	 * labels, strings, durations and Grafana variables are not metric names).
	 * @param query the query
	 * @return the metric names
	 */
	static Set<String> metricNames(String query) {
		String scanned = STRING.matcher(query).replaceAll(" ");
		scanned = LABEL_MATCHERS.matcher(scanned).replaceAll(" ");
		scanned = RANGE.matcher(scanned).replaceAll(" ");
		scanned = LABEL_LIST.matcher(scanned).replaceAll(" ");
		scanned = VARIABLE.matcher(scanned).replaceAll(" ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(scanned);
		while (matcher.find()) {
			String name = matcher.group(1);
			boolean function = matcher.group(2) != null;
			if (!function && !KEYWORDS.contains(name)) {
				names.add(name);
			}
		}
		return names;
	}

	/**
	 * Return the series selector of a Grafana {@code label_values(selector, label)}
	 * variable query, or the query itself.
	 * @param query the variable query
	 * @return the PromQL part
	 */
	static String variableSelector(String query) {
		Matcher matcher = LABEL_VALUES.matcher(query);
		return matcher.matches() ? matcher.group(1) : query;
	}

	/**
	 * Replace Grafana's variables with values Prometheus accepts, for a syntax check.
	 * @param query the dashboard query
	 * @return a plain PromQL query
	 */
	static String withoutGrafanaVariables(String query) {
		String plain = query;
		for (Map.Entry<String, String> builtIn : Map.of("$__rate_interval", "5m", "$__interval", "1m", "$__range", "6h")
			.entrySet()) {
			plain = plain.replace(builtIn.getKey(), builtIn.getValue());
		}
		return VARIABLE.matcher(plain).replaceAll(".*");
	}

	static Set<String> unknownNames(String query) {
		Set<String> unknown = new LinkedHashSet<>(metricNames(query));
		unknown.removeAll(EXPORTED);
		return unknown;
	}

}
