package io.configlag.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.test.KubeletVolume;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The fleet figures of the rollout: a small fleet of application instances (one JVM, one
 * Spring application each) watches one kubelet volume; a version that takes the
 * application down is pushed, and the harness reports the largest share of instances
 * unhealthy at the same moment and how long each was unhealthy, without and with
 * {@code config.lag.rollout.spread} and {@code verify-for}, and the time the fleet took
 * to apply a good version. Run {@code benchmarks/run-fleet.sh} ({@code --help} for the
 * options).
 *
 * @author The config-lag developers
 */
public final class FleetBenchmark {

	static final String FILE = "application.properties";

	static final String USAGE = """
			Usage: run-fleet.sh [--instances=4] [--spread=5s] [--verify-for=10s] [--check-interval=100ms]
			                    [--observe=8s] [--rounds=3] [--output=benchmarks/target/fleet-results.md]
			  --observe  how long the bad version stays on disk before the fix is pushed (default spread + 3s)
			  --rounds   how many times the bad version and its fix are pushed per scenario
			""";

	private FleetBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (arg.equals("--help") || arg.equals("-h") || !arg.startsWith("--") || !arg.contains("=")) {
				System.out.print(USAGE);
				System.exit((arg.startsWith("-h") || arg.equals("--help")) ? 0 : 2);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		int instances = Integer.parseInt(options.getOrDefault("instances", "4"));
		Duration spread = duration(options.getOrDefault("spread", "5s"));
		Duration verifyFor = duration(options.getOrDefault("verify-for", "10s"));
		Duration checkInterval = duration(options.getOrDefault("check-interval", "100ms"));
		Duration observe = duration(options.getOrDefault("observe", spread.plusSeconds(3).toMillis() + "ms"));
		Path output = Path.of(options.getOrDefault("output", "benchmarks/target/fleet-results.md"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
		String report = run(instances, spread, verifyFor, checkInterval, observe, rounds);
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, report, StandardCharsets.UTF_8);
		System.out.println();
		System.out.print(report);
		System.out.println("Written to " + output);
	}

	/**
	 * Run the four scenarios and return the report as Markdown.
	 * @param instances the number of instances
	 * @param spread the spread of the scenarios with spread
	 * @param verifyFor the verification window of the scenarios with verification
	 * @param checkInterval the time between two health checks while verifying
	 * @param observe how long the bad version stays on disk before the fix is pushed
	 * @param rounds how many times the bad version and its fix are pushed
	 * @return the report
	 * @throws IOException if the volume cannot be written
	 */
	public static String run(int instances, Duration spread, Duration verifyFor, Duration checkInterval,
			Duration observe, int rounds) throws IOException {
		Path root = Files.createTempDirectory("config-lag-fleet");
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		List<String> rows = new ArrayList<>();
		try {
			rows.add(scenario("none", instances, Duration.ZERO, Duration.ZERO, checkInterval, observe, rounds, root));
			rows.add(scenario("spread", instances, spread, Duration.ZERO, checkInterval, observe, rounds, root));
			rows.add(scenario("verify", instances, Duration.ZERO, verifyFor, checkInterval, observe, rounds, root));
			rows.add(scenario("spread + verify", instances, spread, verifyFor, checkInterval, observe, rounds, root));
		}
		finally {
			FileSystemUtils.deleteRecursively(root);
		}
		String header = String.format(Locale.ROOT,
				"%d instances on one kubelet volume; in each of %d rounds a bad version (fleet.healthy=false) stays"
						+ " on disk for %d ms, then a fix is pushed (figures per round, separated by ';'). check-interval"
						+ " %d ms; health sampled every 5 ms through each instance's HealthEndpoint. Java %s, %d CPUs,"
						+ " load average %.2f at the start.",
				instances, rounds, observe.toMillis(), checkInterval.toMillis(), System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors(), load);
		return "# config-lag fleet figures\n\n" + header + "\n\n"
				+ "| Scenario | spread | verify-for | good version applied by the whole fleet"
				+ " | largest share unhealthy at once | unhealthy per instance (ms) | rolled back"
				+ " | fix applied by the whole fleet |\n|---|---|---|---|---|---|---|---|\n" + String.join("\n", rows)
				+ "\n";
	}

	private static String scenario(String name, int instances, Duration spread, Duration verifyFor,
			Duration checkInterval, Duration observe, int rounds, Path root) throws IOException {
		progress(name + ": starting " + instances + " instances");
		KubeletVolume volume = KubeletVolume.configMap(root.resolve(name.replaceAll("[^a-z]", "")));
		volume.write(Map.of(FILE, content(true, "v0")));
		List<ConfigurableApplicationContext> fleet = new ArrayList<>();
		try {
			for (int i = 0; i < instances; i++) {
				fleet.add(LagBenchmark.start(FleetApp.class, WebApplicationType.NONE,
						"--config.lag.paths=" + volume.directory(),
						"--config.lag.rollout.spread=" + spread.toMillis() + "ms",
						"--config.lag.rollout.verify-for=" + verifyFor.toMillis() + "ms",
						"--config.lag.rollout.check-interval=" + checkInterval.toMillis() + "ms",
						"--spring.application.name=fleet-" + i));
			}
			Duration timeout = spread.plusSeconds(30);
			progress(name + ": pushing a good version");
			long good = push(volume, fleet, true, "good", timeout);
			List<BooleanSupplier> up = fleet.stream().map(FleetBenchmark::isUp).toList();
			List<String> shares = new ArrayList<>();
			List<String> down = new ArrayList<>();
			List<String> fixes = new ArrayList<>();
			for (int round = 1; round <= rounds; round++) {
				progress(name + ", round " + round + ": pushing a version that takes the application down, for "
						+ observe.toMillis() + " ms, then the fix");
				FleetSampler sampler = new FleetSampler(up);
				volume.write(Map.of(FILE, content(false, "bad-" + round)));
				sleep(observe);
				fixes.add(Long.toString(push(volume, fleet, true, "fixed-" + round, timeout)));
				while (sampler.downNow() > 0) {
					sleep(Duration.ofMillis(5));
				}
				FleetSampler.Result result = sampler.stop();
				shares.add(String.format(Locale.ROOT, "%d%% (%d of %d)", 100 * result.maxDown() / instances,
						result.maxDown(), instances));
				down.add(Arrays.stream(result.downMillis()).mapToObj(Long::toString).collect(Collectors.joining(", ")));
			}
			long rolledBack = fleet.stream()
				.mapToLong((context) -> context.getBean(ConfigReloadService.class)
					.getReloadCount(ReloadOutcome.ROLLED_BACK))
				.sum();
			return String.format(Locale.ROOT, "| %s | %d ms | %d ms | %d ms | %s | %s | %d of %d | %s ms |", name,
					spread.toMillis(), verifyFor.toMillis(), good, String.join("; ", shares), String.join("; ", down),
					rolledBack, instances * rounds, String.join("; ", fixes));
		}
		finally {
			fleet.forEach(ConfigurableApplicationContext::close);
		}
	}

	/*
	 * Write a version and return the time until every instance had it, in ms.
	 */
	private static long push(KubeletVolume volume, List<ConfigurableApplicationContext> fleet, boolean healthy,
			String message, Duration timeout) {
		List<FleetApp.FleetProperties> properties = fleet.stream()
			.map((context) -> context.getBean(FleetApp.FleetProperties.class))
			.toList();
		long start = System.nanoTime();
		volume.write(Map.of(FILE, content(healthy, message)));
		long deadline = start + timeout.toNanos();
		while (!properties.stream().allMatch((fleetProperties) -> message.equals(fleetProperties.getMessage()))) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The fleet did not apply version '" + message + "' within " + timeout);
			}
			sleep(Duration.ofMillis(1));
		}
		return (System.nanoTime() - start) / 1_000_000;
	}

	private static BooleanSupplier isUp(ConfigurableApplicationContext context) {
		HealthEndpoint health = context.getBean(HealthEndpoint.class);
		return () -> Status.UP.equals(health.health().getStatus());
	}

	private static String content(boolean healthy, String message) {
		return "fleet.healthy=" + healthy + "\nfleet.message=" + message + "\n";
	}

	private static Duration duration(String value) {
		return DurationStyle.detectAndParse(value);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void progress(String message) {
		System.out.printf(Locale.ROOT, "[fleet] %s%n", message);
	}

}
