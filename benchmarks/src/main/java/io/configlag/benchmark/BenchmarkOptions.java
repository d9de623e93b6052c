package io.configlag.benchmark;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's settings, from {@code --name=value} command-line flags.
 *
 * @param updates measured updates per watch mode in the lag section
 * @param warmup unmeasured updates before them
 * @param pollInterval the poll interval of the polling-mode application
 * @param propertiesBeans {@code @ConfigurationProperties} beans of the refresh-cost
 * application
 * @param refreshBeans {@code @RefreshScope} beans of the refresh-cost application
 * @param refreshWarmup unmeasured refreshes per approach before them
 * @param refreshIterations measured refreshes per approach in the refresh-cost section
 * @param scaleKeys keys of the scale section
 * @param scaleFiles files the keys are spread over in the first scale layout
 * @param scaleIterations measured reloads per case in the scale section
 * @param idle length of each idle window
 * @param output where the results table is written
 * @author The config-lag developers
 */
public record BenchmarkOptions(int updates, int warmup, Duration pollInterval, int propertiesBeans, int refreshBeans,
		int refreshWarmup, int refreshIterations, int scaleKeys, int scaleFiles, int scaleIterations, Duration idle,
		Path output) {

	static final String USAGE = """
			Usage: java -jar lag-benchmark.jar [--name=value ...]
			  --updates=200             measured kubelet updates per watch mode (lag)
			  --warmup=300              unmeasured updates before them (JIT warm-up)
			  --poll-interval=20        poll interval of the polling-mode app, in ms
			  --properties-beans=200    @ConfigurationProperties beans of the refresh-cost app
			  --refresh-beans=50        @RefreshScope beans of the refresh-cost app
			  --refresh-warmup=1000     unmeasured refreshes per approach before them (JIT warm-up)
			  --refresh-iterations=60   measured refreshes per approach
			  --scale-keys=10000        keys in the scale section
			  --scale-files=1000        files of the first scale layout (the second is 1 file)
			  --scale-iterations=10     measured reloads per scale case
			  --idle-seconds=10         length of each idle window
			  --output=PATH             results file (default: benchmark-results.md next to the jar)
			""";

	/**
	 * The defaults of the published benchmark.
	 * @return the defaults
	 */
	public static BenchmarkOptions defaults() {
		return new BenchmarkOptions(200, 300, Duration.ofMillis(20), 200, 50, 1000, 60, 10_000, 1_000, 10,
				Duration.ofSeconds(10), defaultOutput());
	}

	/**
	 * Parse {@code --name=value} flags over the defaults.
	 * @param args the command-line arguments
	 * @return the options
	 * @throws IllegalArgumentException on an unknown or malformed flag
	 */
	public static BenchmarkOptions parse(String... args) {
		Map<String, String> flags = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
			}
			flags.put(arg.substring(2, equals), arg.substring(equals + 1));
		}
		BenchmarkOptions d = defaults();
		BenchmarkOptions options = new BenchmarkOptions(integer(flags, "updates", d.updates()),
				integer(flags, "warmup", d.warmup()),
				Duration.ofMillis(integer(flags, "poll-interval", (int) d.pollInterval().toMillis())),
				integer(flags, "properties-beans", d.propertiesBeans()),
				integer(flags, "refresh-beans", d.refreshBeans()), integer(flags, "refresh-warmup", d.refreshWarmup()),
				integer(flags, "refresh-iterations", d.refreshIterations()),
				integer(flags, "scale-keys", d.scaleKeys()), integer(flags, "scale-files", d.scaleFiles()),
				integer(flags, "scale-iterations", d.scaleIterations()),
				Duration.ofSeconds(integer(flags, "idle-seconds", (int) d.idle().toSeconds())),
				Path.of(flags.getOrDefault("output", d.output().toString())));
		flags.keySet()
			.removeAll(Set.of("updates", "warmup", "poll-interval", "properties-beans", "refresh-beans",
					"refresh-warmup", "refresh-iterations", "scale-keys", "scale-files", "scale-iterations",
					"idle-seconds", "output"));
		if (!flags.isEmpty()) {
			throw new IllegalArgumentException("Unknown option(s) " + flags.keySet());
		}
		if (options.scaleFiles() < 1 || options.scaleKeys() % options.scaleFiles() != 0) {
			throw new IllegalArgumentException("--scale-keys must be a multiple of --scale-files");
		}
		return options;
	}

	private static int integer(Map<String, String> flags, String name, int defaultValue) {
		String value = flags.get(name);
		if (value == null) {
			return defaultValue;
		}
		try {
			int parsed = Integer.parseInt(value.trim());
			if (parsed < 0) {
				throw new NumberFormatException();
			}
			return parsed;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " must be a non-negative integer, got '" + value + "'");
		}
	}

	private static Path defaultOutput() {
		String classPath = System.getProperty("java.class.path", "");
		if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
			return Path.of(classPath).toAbsolutePath().resolveSibling("benchmark-results.md");
		}
		return Path.of("target", "benchmark-results.md").toAbsolutePath();
	}

}
