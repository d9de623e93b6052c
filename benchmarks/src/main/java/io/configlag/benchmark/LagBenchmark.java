package io.configlag.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.configlag.test.KubeletVolume;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.SpringVersion;
import org.springframework.util.FileSystemUtils;

/**
 * Measures config lag, refresh cost against Spring Cloud's {@code ContextRefresher},
 * scale and idle cost of the config-lag starter, prints the results as a Markdown table
 * and writes them to a file. Run {@code benchmarks/run.sh}, or
 * {@code java -jar lag-benchmark.jar --help} for the options.
 *
 * @author The config-lag developers
 */
public final class LagBenchmark {

	private static final double LAG_P50_TARGET_MS = 5;

	private static final double LAG_P99_TARGET_MS = 25;

	private static final double REFRESH_RATIO_TARGET = 50;

	private static final double SCALE_RELOAD_TARGET_MS = 250;

	private LagBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
			System.out.print(BenchmarkOptions.USAGE);
			return;
		}
		BenchmarkOptions options;
		try {
			options = BenchmarkOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(BenchmarkOptions.USAGE);
			System.exit(2);
			return;
		}
		Report report = run(options);
		System.out.println();
		System.out.print(report.toMarkdown());
		System.out.println();
		System.out.println("Written to " + options.output());
	}

	/**
	 * Run every section and write the report to {@link BenchmarkOptions#output()}.
	 * @param options the options
	 * @return the report
	 * @throws IOException if the temporary volumes or the report cannot be written
	 */
	public static Report run(BenchmarkOptions options) throws IOException {
		Instant started = Instant.now();
		double loadBefore = loadAverage();
		Path root = Files.createTempDirectory("config-lag-benchmark");
		Report report = new Report();
		try {
			lagAndIdle(options, root, report);
			refreshCost(options, root, report);
			scale(options, root, report);
			progress("done");
		}
		finally {
			FileSystemUtils.deleteRecursively(root);
		}
		environment(report, options, started, loadBefore);
		Path output = options.output().toAbsolutePath();
		Files.createDirectories(output.getParent());
		Files.writeString(output, "# config-lag benchmark results\n\n" + report.toMarkdown(), StandardCharsets.UTF_8);
		return report;
	}

	private static void lagAndIdle(BenchmarkOptions options, Path root, Report report) throws IOException {
		String pollInterval = options.pollInterval().toMillis() + " ms";
		List<IdleSection.Result> idle = new ArrayList<>();
		for (String mode : List.of("native", "polling")) {
			progress("lag, " + mode + " mode: " + options.warmup() + " warm-up + " + options.updates() + " updates");
			KubeletVolume volume = KubeletVolume.configMap(root.resolve("lag-" + mode));
			volume.write(LagSection.initialPayload());
			try (ConfigurableApplicationContext context = start(LagApp.class, WebApplicationType.SERVLET,
					"--config.lag.paths=" + volume.directory(), "--config.lag.watch.mode=" + mode,
					"--config.lag.watch.poll-interval=" + options.pollInterval().toMillis() + "ms")) {
				LagSection.Result lag = LagSection.measure(context, volume, options.warmup(), options.updates());
				String label = mode.equals("native") ? "native" : "polling every " + pollInterval;
				String section = "1. Lag, " + label;
				boolean targets = mode.equals("native");
				lagRow(report, section, "`@ConfigurationProperties` bean", lag.properties(), targets);
				lagRow(report, section, "`@RefreshScope` bean", lag.refreshScope(), targets);
				lagRow(report, section, "both beans", lag.both(), targets);
				report.row(section, "both beans, from the end of the write (lower bound) p50 / p99",
						Samples.millis(lag.bothAfterWrite().percentile(50)) + " / "
								+ Samples.millis(lag.bothAfterWrite().percentile(99)) + " ms");
				report.row(section, "starter reload duration p50 / p90 / p99 / max", lag.reload().summary() + " ms");
				report.row(section, "reload thread CPU time per update p50 / max",
						Samples.millis(lag.reloadCpu().median()) + " / " + Samples.millis(lag.reloadCpu().max())
								+ " ms");
				report.row(section, "kubelet fixture write (included in the lag) p50 / max",
						Samples.millis(lag.write().median()) + " / " + Samples.millis(lag.write().max()) + " ms");
				progress("idle, " + mode + " mode: " + options.idle().toSeconds() + " s");
				idle.add(IdleSection.measure(context, volume, options.idle(), options.pollInterval(),
						!mode.equals("native")));
			}
		}
		IdleSection.Result nativeIdle = idle.get(0);
		IdleSection.Result pollingIdle = idle.get(1);
		String section = "4. Idle";
		report.row(section, "native: file reads in " + seconds(nativeIdle.window()) + " without changes",
				nativeIdle.reads() + " reads, " + nativeIdle.reloads() + " reloads", "0 reads",
				nativeIdle.reads() == 0);
		report.row(section, "polling every " + pollInterval + ": file reads in " + seconds(pollingIdle.window())
				+ " without changes", pollingIdle.reads() + " reads, " + pollingIdle.reloads() + " reloads");
		report.row(section, "polling: system calls per poll", pollingIdle.perPoll());
		report.row(section, "counter check: file reads for one real update (native / polling)",
				nativeIdle.checkReads() + " / " + pollingIdle.checkReads());
		report.note("Lag: each update writes `bench.stamp=<System.nanoTime()>` through the kubelet fixture"
				+ " (`KubeletVolume`: new timestamped directory, `..data_tmp` symlink, rename over `..data`);"
				+ " the stamp is taken just before the write starts, so the lag includes the fixture's own write up to"
				+ " the rename: an upper bound of the lag from the rename, and the one the targets are judged on. The"
				+ " lower bound starts when the write returned, after the rename and the fixture's clean-up (negative"
				+ " when the beans were faster than the clean-up). One reader thread per bean reads it every "
				+ ValueReader.READ_INTERVAL_NANOS / 1000 + " µs (parked, not spinning) and records when it first sees"
				+ " it. Percentiles are nearest-rank over " + options.updates() + " updates after " + options.warmup()
				+ " warm-up updates. The application runs Tomcat (web) and actuator; logging at WARN. Polling mode"
				+ " compares metadata every" + " " + pollInterval
				+ ", so its lag includes up to one interval of waiting.");
		report.note("Idle: `jdk.FileRead` JFR events (no threshold) under the volume or on the starter's threads;"
				+ " the counter check is one update made after the window, which must show reads.");
	}

	private static void lagRow(Report report, String section, String bean, Samples lag, boolean targets) {
		String metric = bean + ": lag p50 / p90 / p99 / max";
		String measured = lag.summary() + " ms";
		if (targets) {
			boolean pass = lag.percentile(50) <= LAG_P50_TARGET_MS * 1e6
					&& lag.percentile(99) <= LAG_P99_TARGET_MS * 1e6;
			report.row(section, metric, measured, "p50 ≤ 5 ms, p99 ≤ 25 ms", pass);
		}
		else {
			report.row(section, metric, measured);
		}
	}

	private static void refreshCost(BenchmarkOptions options, Path root, Report report) throws IOException {
		int propertiesBeans = options.propertiesBeans();
		int refreshBeans = options.refreshBeans();
		int iterations = options.refreshIterations();
		int warmup = options.refreshWarmup();
		RefreshCosts properties = refreshCosts(options, root, RefreshCostSection.Format.PROPERTIES);
		RefreshCostSection.StarterResult starter = properties.starter();
		RefreshCostSection.RefresherResult refresher = properties.refresher();
		String section = "2. Refresh cost";
		String change = "1-key change (`" + RefreshCostSection.changedKey(propertiesBeans) + "`) in `"
				+ RefreshCostSection.Format.PROPERTIES.file() + "`, " + propertiesBeans
				+ " `@ConfigurationProperties` + " + refreshBeans + " `@RefreshScope` beans";
		report.row(section, "starter reload duration p50 / p90 / p99 / max, " + change,
				starter.reload().summary() + " ms");
		report.row(section, "starter end to end (write start → reload event) p50 / max",
				Samples.millis(starter.endToEnd().median()) + " / " + Samples.millis(starter.endToEnd().max()) + " ms");
		report.row(section, "`ContextRefresher.refresh()` p50 / p90 / p99 / max, same change",
				refresher.refresh().summary() + " ms");
		double ratio = (double) refresher.refresh().median() / starter.reload().median();
		report.row(section, "wall time, ratio of medians: `ContextRefresher.refresh()` / starter reload",
				String.format(Locale.ROOT, "%.0f×", ratio));
		report.row(section, "CPU time p50: starter reload thread / `ContextRefresher.refresh()` caller",
				Samples.millis(starter.cpu().median()) + " / " + Samples.millis(refresher.cpu().median()) + " ms");
		double cpuRatio = (double) refresher.cpu().median() / starter.cpu().median();
		report.row(section, "cost: CPU time, ratio of medians", String.format(Locale.ROOT, "%.0f×", cpuRatio), "≥ 50×",
				cpuRatio >= REFRESH_RATIO_TARGET);
		irreducibleRow(report, section, RefreshCostSection.Format.PROPERTIES, properties);
		RefreshCosts yaml = refreshCosts(options, root, RefreshCostSection.Format.YAML);
		report.row(section, "same change in `application.yaml`: CPU time p50, starter / `ContextRefresher.refresh()`",
				Samples.millis(yaml.starter().cpu().median()) + " / " + Samples.millis(yaml.refresher().cpu().median())
						+ " ms");
		report.row(section, "same change in `application.yaml`: cost, CPU time, ratio of medians", String
			.format(Locale.ROOT, "%.0f×", (double) yaml.refresher().cpu().median() / yaml.starter().cpu().median()));
		irreducibleRow(report, section, RefreshCostSection.Format.YAML, yaml);
		report.note("Refresh cost: two instances of the same application (web, actuator, generated beans: each"
				+ " `@ConfigurationProperties(\"svc-NNN\")` bean is its own run-time generated class, each"
				+ " `@RefreshScope` bean a scoped proxy reading its own key), one reading the volume with the starter,"
				+ " one with `spring.config.additional-location` and config-lag disabled. Before each change every"
				+ " `@RefreshScope` bean is used so that the refresh has live instances to discard. Starter: "
				+ "`ConfigReloadResult.duration()` (read, diff, bind and validate the affected bean, swap, refresh"
				+ " scope, events). ContextRefresher: wall time of `refresh()` on the calling thread, after the same"
				+ " kubelet write. The target is judged on CPU time (`ThreadMXBean`) of the thread doing the work:"
				+ " on a loaded machine the wall time of a long operation grows with the run queue (it needs many"
				+ " time slices) while a short one often finishes in one, which flatters the wall-time ratio. Neither"
				+ " includes garbage collection work done by GC threads. " + warmup + " warm-up + " + iterations
				+ " measured changes each: both approaches keep getting faster for a few hundred changes as the JIT"
				+ " compiles them. The ConfigMap is one `application.properties` file (the target's rows) and then the"
				+ " same keys as one `application.yaml`: the starter parses a changed file whole, with Boot's"
				+ " loader, in either format. Irreducible part: in the starter's application, after its changes,"
				+ " Boot's `PropertiesPropertySourceLoader` (or `YamlPropertySourceLoader`) loads the changed file from"
				+ " the volume and Boot's `Binder` (`Binder.get(environment)`, made once) binds a new instance of the"
				+ " affected bean's class, on the calling thread, with the same warm-up: what any reload of this change"
				+ " has to do at least.");
	}

	private static void irreducibleRow(Report report, String section, RefreshCostSection.Format format,
			RefreshCosts costs) {
		RefreshCostSection.BootResult boot = costs.boot();
		report.row(section,
				"`" + format.file() + "`: CPU time p50, starter reload / irreducible (Boot's loader on"
						+ " the file + Boot's `Binder` on the bean) / `ContextRefresher.refresh()`",
				Samples.millis(costs.starter().cpu().median()) + " / " + Samples.millis(boot.bothCpu().median()) + " ("
						+ Samples.millis(boot.loadCpu().median()) + " + " + Samples.millis(boot.bindCpu().median())
						+ ") / " + Samples.millis(costs.refresher().cpu().median()) + " ms");
		report.row(section, "`" + format.file() + "`: starter reload CPU / irreducible CPU, ratio of medians",
				String.format(Locale.ROOT, "%.1f×", (double) costs.starter().cpu().median() / boot.bothCpu().median()));
	}

	private static RefreshCosts refreshCosts(BenchmarkOptions options, Path root, RefreshCostSection.Format format)
			throws IOException {
		int propertiesBeans = options.propertiesBeans();
		int refreshBeans = options.refreshBeans();
		int iterations = options.refreshIterations();
		int warmup = options.refreshWarmup();
		String beans = "--" + GeneratedBeans.PROPERTIES_BEANS + "=" + propertiesBeans;
		String scoped = "--" + GeneratedBeans.REFRESH_BEANS + "=" + refreshBeans;
		String suffix = "-" + format.name().toLowerCase(Locale.ROOT);
		progress("refresh cost, starter, " + format.file() + ": " + warmup + " warm-up + " + iterations + " changes");
		KubeletVolume starterVolume = KubeletVolume.configMap(root.resolve("refresh-starter" + suffix));
		starterVolume.write(RefreshCostSection.payload(format, propertiesBeans, refreshBeans, 0));
		RefreshCostSection.StarterResult starter;
		RefreshCostSection.BootResult boot;
		try (ConfigurableApplicationContext context = start(RefreshCostApp.class, WebApplicationType.SERVLET, beans,
				scoped, "--config.lag.paths=" + starterVolume.directory(), "--config.lag.watch.mode=native")) {
			starter = RefreshCostSection.measureStarter(context, starterVolume, format, propertiesBeans, refreshBeans,
					warmup, iterations);
			progress("refresh cost, Boot's loader and binder, " + format.file() + ": " + warmup + " warm-up + "
					+ iterations + " runs");
			boot = RefreshCostSection.measureBootParts(context, starterVolume, format, propertiesBeans, refreshBeans,
					warmup, iterations);
		}
		progress("refresh cost, ContextRefresher, " + format.file() + ": " + warmup + " warm-up + " + iterations
				+ " refreshes");
		KubeletVolume refresherVolume = KubeletVolume.configMap(root.resolve("refresh-cloud" + suffix));
		refresherVolume.write(RefreshCostSection.payload(format, propertiesBeans, refreshBeans, 0));
		RefreshCostSection.RefresherResult refresher;
		try (ConfigurableApplicationContext context = start(RefreshCostApp.class, WebApplicationType.SERVLET, beans,
				scoped, "--config.lag.enabled=false",
				"--spring.config.additional-location=file:" + refresherVolume.directory() + "/")) {
			refresher = RefreshCostSection.measureContextRefresher(context, refresherVolume, format, propertiesBeans,
					refreshBeans, warmup, iterations);
		}
		return new RefreshCosts(starter, boot, refresher);
	}

	private static void scale(BenchmarkOptions options, Path root, Report report) throws IOException {
		int keys = options.scaleKeys();
		int iterations = options.scaleIterations();
		KubeletVolume volume = KubeletVolume.configMap(root.resolve("scale"));
		// Each layout is written into the running application, as a change
		volume.write(Map.of("placeholder.properties", "scale.placeholder=true\n"));
		List<ScaleSection.Result> results = new ArrayList<>();
		try (ConfigurableApplicationContext context = start(LagApp.class, WebApplicationType.NONE,
				"--config.lag.paths=" + volume.directory(), "--config.lag.watch.mode=native",
				// An application that reads these keys from the Environment when it uses
				// them
				"--config.lag.reload.live-keys=scale.*")) {
			for (int files : List.of(options.scaleFiles(), 1)) {
				progress("scale: " + keys + " keys in " + files + " file(s)");
				results.add(ScaleSection.measure(context, volume, keys, files, iterations));
			}
		}
		for (ScaleSection.Result result : results) {
			String section = "3. Scale, " + result.keys() + " keys in " + result.files()
					+ ((result.files() == 1) ? " file" : " files");
			boolean targeted = result.files() == options.scaleFiles() && result.files() > 1;
			String fullMetric = "full reload (every value changed) p50 / p90 / p99 / max";
			if (targeted) {
				report.row(section, fullMetric, result.full().summary() + " ms", "p50 ≤ 250 ms",
						result.full().percentile(50) <= SCALE_RELOAD_TARGET_MS * 1e6);
			}
			else {
				report.row(section, fullMetric, result.full().summary() + " ms");
			}
			report.row(section, "1-key change reload p50 / p90 / p99 / max", result.oneKey().summary() + " ms");
			report.row(section, "Boot's `PropertiesPropertySourceLoader` on every file, p50 / max",
					Samples.millis(result.bootLoad().median()) + " / " + Samples.millis(result.bootLoad().max())
							+ " ms");
			report.row(section,
					"CPU time p50: full reload / 1-key reload / Boot's loader on every file / unchanged"
							+ " `ConfigReloadService.reload()`",
					Samples.millis(result.fullCpu().median()) + " / " + Samples.millis(result.oneKeyCpu().median())
							+ " / " + Samples.millis(result.bootLoadCpu().median()) + " / "
							+ Samples.millis(result.unchangedCpu().median()) + " ms");
		}
		report.note("Scale: `.properties` files, keys like `" + ScaleSection.key(42) + "=" + ScaleSection.value(42, 1)
				+ "` (" + (results.isEmpty() ? 0 : results.get(0).rawBytes() / Math.max(1, keys))
				+ " B per line); no bean binds them. Reload durations are `ConfigReloadResult.duration()` in a running"
				+ " application; a 1-key change still reads and hashes every file, but parses only the changed"
				+ " file. Boot's loader on every file is the parse a first read cannot avoid, on the calling"
				+ " thread; the unchanged reload is `ConfigReloadService.reload()` with nothing changed (CPU time of the"
				+ " calling and the reload thread).");
	}

	private static void environment(Report report, BenchmarkOptions options, Instant started, double loadBefore) {
		Runtime runtime = Runtime.getRuntime();
		report.environment("JVM: " + System.getProperty("java.vm.name") + " "
				+ System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor")
				+ "), max heap " + runtime.maxMemory() / (1024 * 1024) + " MB, GC " + gcNames());
		report.environment("CPUs: " + runtime.availableProcessors() + "; OS: " + System.getProperty("os.name") + " "
				+ System.getProperty("os.version") + " " + System.getProperty("os.arch"));
		report.environment(String.format(Locale.ROOT, "Load average (1 min): %.2f at start, %.2f at end", loadBefore,
				loadAverage()));
		report.environment(
				"Spring Boot " + SpringBootVersion.getVersion() + ", Spring Framework " + SpringVersion.getVersion()
						+ ", Spring Cloud Context " + ContextRefresher.class.getPackage().getImplementationVersion());
		report.environment("Run " + started.truncatedTo(ChronoUnit.SECONDS) + ", took "
				+ Duration.between(started, Instant.now()).toSeconds() + " s; options: " + options.updates()
				+ " updates (+" + options.warmup() + " warm-up), poll interval " + options.pollInterval().toMillis()
				+ " ms, " + options.propertiesBeans() + "/" + options.refreshBeans() + " generated beans, "
				+ options.refreshIterations() + " refreshes (+" + options.refreshWarmup() + " warm-up), "
				+ options.scaleKeys() + " scale keys, idle " + options.idle().toSeconds() + " s");
	}

	private static String gcNames() {
		List<String> names = new ArrayList<>();
		ManagementFactory.getGarbageCollectorMXBeans().forEach((gc) -> names.add(gc.getName()));
		return String.join(", ", names);
	}

	private static double loadAverage() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return os.getSystemLoadAverage();
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

	private static final long STARTED = System.nanoTime();

	private static void progress(String message) {
		System.out.printf(Locale.ROOT, "[benchmark %5.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, message);
	}

	static ConfigurableApplicationContext start(Class<?> source, WebApplicationType type, String... args) {
		List<String> all = new ArrayList<>(
				List.of("--server.port=0", "--spring.main.banner-mode=off", "--spring.main.log-startup-info=false",
						"--logging.level.root=WARN", "--management.endpoints.web.exposure.include=health,refresh"));
		all.addAll(List.of(args));
		SpringApplication application = new SpringApplication(source);
		application.setWebApplicationType(type);
		return application.run(all.toArray(String[]::new));
	}

	/**
	 * Both sides of the refresh-cost comparison for one file format.
	 */
	private record RefreshCosts(RefreshCostSection.StarterResult starter, RefreshCostSection.BootResult boot,
			RefreshCostSection.RefresherResult refresher) {

	}

}
