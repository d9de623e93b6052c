package io.configlag.samples.featureflags.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one-command demo of the feature-flags sample, and the tool to edit its local
 * ConfigMap volume by hand. A single-file Java program with no dependency but the JDK:
 * {@code samples/feature-flags/demo.sh} builds the sample and runs
 * {@code java ConfigLagDemo.java <command>} from the repository root.
 * <ul>
 * <li>{@code demo} (default): creates a ConfigMap volume laid out exactly as the kubelet
 * lays it out in a temporary directory, starts the sample on it, flips
 * {@code featureFlags.newUI} with a kubelet-style atomic update, shows {@code GET /flags}
 * before and after with the lag the application measured, then stops the application and
 * removes the directory. Every wait is bounded.</li>
 * <li>{@code run [dir]}: starts the sample on {@code dir} (default
 * {@code samples/feature-flags/target/demo-config}, created with the ConfigMap's content
 * if needed) on port 8080 (or {@code $PORT}) until Ctrl-C.</li>
 * <li>{@code edit [dir]}: opens {@code config.yaml} in {@code $VISUAL}/{@code $EDITOR}
 * and writes the result the kubelet's way - the local {@code kubectl edit configmap}.</li>
 * <li>{@code apply <file> [dir]}: writes {@code file} as {@code config.yaml} the kubelet's
 * way - the local {@code kubectl apply}.</li>
 * </ul>
 *
 * @author The config-lag developers
 */
public final class ConfigLagDemo {

	/**
	 * The ConfigMap's {@code config.yaml}, as in {@code k8s/configmap.yaml}.
	 */
	public static final String CONFIG_YAML = """
			logLevel: INFO
			featureFlags:
			  newUI: false
			""";

	static final Path DEFAULT_JAR = Path.of("samples", "feature-flags", "target", "feature-flags.jar");

	static final Path DEFAULT_DIR = Path.of("samples", "feature-flags", "target", "demo-config");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(20);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

	private static final Pattern LAG = Pattern.compile("applied (\\d+) ms after it was written");

	private static final Pattern STARTED = Pattern.compile("Started \\w+ in ");

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ConfigLagDemo() {
	}

	public static void main(String[] args) throws Exception {
		String command = (args.length > 0) ? args[0] : "demo";
		switch (command) {
			case "demo" -> System.exit(demo(jar()));
			case "run" -> System.exit(run(jar(), dir(args, 1)));
			case "edit" -> edit(dir(args, 1));
			case "apply" -> {
				if (args.length < 2) {
					usage();
				}
				apply(Path.of(args[1]), dir(args, 2));
			}
			default -> usage();
		}
	}

	private static void usage() {
		System.err.println("Usage: demo.sh [demo | run [dir] | edit [dir] | apply <file> [dir]]");
		System.exit(2);
	}

	private static Path jar() {
		Path jar = Path.of(System.getProperty("demo.jar", DEFAULT_JAR.toString()));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " not found: build it with ./mvnw -pl samples/feature-flags -am package");
		}
		return jar;
	}

	private static Path dir(String[] args, int index) {
		return (args.length > index) ? Path.of(args[index]) : DEFAULT_DIR;
	}

	private static int demo(Path jar) throws Exception {
		Path root = Files.createTempDirectory("config-lag-demo");
		Path configDir = root.resolve("config");
		ConfigMapVolume volume = new ConfigMapVolume(configDir);
		volume.write(Map.of("config.yaml", CONFIG_YAML), (step) -> {
		});
		System.out.println("==> A ConfigMap volume, laid out as the kubelet lays it out: " + configDir);
		volume.describe().forEach((line) -> System.out.println("      " + line));
		System.out.println("    config.yaml:");
		CONFIG_YAML.lines().forEach((line) -> System.out.println("      " + line));
		int port = freePort();
		System.out.println("==> Starting the sample: java -jar " + jar + " --config.lag.paths=" + configDir
				+ " --server.port=" + port);
		App app = App.start(jar, configDir, port, true);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			app.stop();
			deleteRecursively(root);
		}));
		try {
			app.awaitReady(port);
			String before = get(port, "/flags");
			System.out.println("==> GET /flags  (pid " + app.pid() + ")");
			System.out.println("    " + before);
			String updated = CONFIG_YAML.replace("newUI: false", "newUI: true");
			System.out.println("==> Updating the ConfigMap the kubelet's way (newUI: false -> true):");
			long start = System.nanoTime();
			volume.write(Map.of("config.yaml", updated), (step) -> System.out.println("      " + step));
			// the application logs the reload once the new values are in effect
			String lag = app.awaitEvent("lag:", RELOAD_TIMEOUT).substring("lag:".length());
			String after = get(port, "/flags");
			long seenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			if (!isNewUi(after)) {
				throw new DemoFailure("the sample logged a reload but GET /flags still returns " + after);
			}
			System.out.println("==> GET /flags  (pid " + app.pid() + ", same process: no restart)");
			System.out.println("    " + after);
			System.out.println("==> featureFlags.newUI flipped false -> true: lag measured by the app "
					+ lag + " ms (written to disk -> applied); confirmed"
					+ " over HTTP " + seenMillis + " ms after the update began.");
			return 0;
		}
		catch (DemoFailure ex) {
			System.out.println("!!! " + ex.getMessage());
			return 1;
		}
		finally {
			System.out.println("==> Stopping the sample and removing " + root);
			app.stop();
			deleteRecursively(root);
		}
	}

	private static boolean isNewUi(String body) {
		return body.replace(" ", "").contains("\"newUI\":true");
	}

	private static int run(Path jar, Path dir) throws Exception {
		ConfigMapVolume volume = new ConfigMapVolume(dir);
		if (!Files.isSymbolicLink(dir.resolve(ConfigMapVolume.DATA_DIR_NAME))) {
			volume.write(Map.of("config.yaml", CONFIG_YAML), (step) -> {
			});
		}
		String port = System.getenv().getOrDefault("PORT", "8080");
		System.out.println("==> ConfigMap volume: " + dir.toAbsolutePath());
		System.out.println("==> Starting the sample on port " + port + " (Ctrl-C stops it). In another terminal:");
		System.out.println("      curl localhost:" + port + "/flags");
		System.out.println("      ./samples/feature-flags/demo.sh edit " + dir);
		App app = App.start(jar, dir, Integer.parseInt(port), false);
		Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
		return app.process.waitFor();
	}

	private static void edit(Path dir) throws Exception {
		ConfigMapVolume volume = existingVolume(dir);
		Map<String, byte[]> payload = volume.read();
		Path copy = Files.createTempDirectory("config-lag-edit").resolve("config.yaml");
		try {
			Files.write(copy, payload.getOrDefault("config.yaml", new byte[0]));
			String editor = System.getenv().getOrDefault("VISUAL", System.getenv().getOrDefault("EDITOR", "vi"));
			List<String> command = new ArrayList<>(Arrays.asList(editor.trim().split("\\s+")));
			command.add(copy.toString());
			int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
			if (exit != 0) {
				System.err.println("Editor exited with " + exit + "; nothing written");
				System.exit(1);
			}
			update(volume, Files.readAllBytes(copy));
		}
		finally {
			deleteRecursively(copy.getParent());
		}
	}

	private static void apply(Path file, Path dir) throws IOException {
		update(existingVolume(dir), Files.readAllBytes(file));
	}

	private static void update(ConfigMapVolume volume, byte[] content) {
		Map<String, byte[]> payload = volume.read();
		payload.put("config.yaml", content);
		if (!volume.writeBytes(payload, (step) -> System.out.println("  " + step))) {
			System.out.println("config.yaml unchanged: nothing written (as the kubelet's re-sync)");
		}
	}

	private static ConfigMapVolume existingVolume(Path dir) {
		if (!Files.isSymbolicLink(dir.resolve(ConfigMapVolume.DATA_DIR_NAME))) {
			throw new IllegalStateException(dir + " is not a ConfigMap volume; create it with: demo.sh run " + dir);
		}
		return new ConfigMapVolume(dir);
	}

	private static String get(int port, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new DemoFailure("GET " + path + " returned " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static void deleteRecursively(Path root) {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A ConfigMap volume written the way the kubelet's atomic writer
	 * ({@code pkg/volume/util/atomic_writer.go}) writes it - the same steps as the tests'
	 * {@code KubeletVolume}: a new timestamped directory {@code ..2026_11_24_13_19_54.1234}
	 * with the whole payload, a {@code ..data_tmp} symlink to it renamed over
	 * {@code ..data} (the atomic step), user-visible symlinks {@code key -> ..data/key},
	 * then the old directory removed. An unchanged payload writes nothing.
	 */
	public static final class ConfigMapVolume {

		static final String DATA_DIR_NAME = "..data";

		static final String DATA_DIR_TMP_NAME = "..data_tmp";

		private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter
			.ofPattern("'..'yyyy_MM_dd_HH_mm_ss'.'");

		private final Path directory;

		/**
		 * Create a volume at the given mount point.
		 * @param directory the mount point, created if needed
		 */
		public ConfigMapVolume(Path directory) {
			this.directory = directory;
			try {
				Files.createDirectories(directory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * Return the mount point.
		 * @return the directory
		 */
		public Path directory() {
			return this.directory;
		}

		/**
		 * Write the whole payload (key to content) atomically.
		 * @param payload the new payload
		 * @param steps receives a description of each step
		 * @return whether anything was written
		 */
		public boolean write(Map<String, String> payload, Consumer<String> steps) {
			Map<String, byte[]> bytes = new LinkedHashMap<>();
			payload.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
			return writeBytes(bytes, steps);
		}

		/**
		 * Return the payload {@code ..data} currently links to.
		 * @return key to content, empty before the first write
		 */
		public Map<String, byte[]> read() {
			Map<String, byte[]> payload = new LinkedHashMap<>();
			String current = currentVersionDirectory();
			if (current == null) {
				return payload;
			}
			Path versionDir = this.directory.resolve(current);
			try (Stream<Path> files = Files.walk(versionDir)) {
				for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
					payload.put(versionDir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return payload;
		}

		synchronized boolean writeBytes(Map<String, byte[]> next, Consumer<String> steps) {
			try {
				Map<String, byte[]> previous = read();
				String oldTsDir = currentVersionDirectory();
				List<String> pathsToRemove = new ArrayList<>();
				for (String key : previous.keySet()) {
					String visible = firstElement(key);
					if (!pathsToRemove.contains(visible)) {
						pathsToRemove.add(visible);
					}
				}
				for (String key : next.keySet()) {
					pathsToRemove.remove(firstElement(key));
				}
				if (oldTsDir != null && samePayload(previous, next)) {
					createUserVisibleFiles(next, steps);
					return false;
				}
				Path tsDir = newTimestampDir();
				steps.accept(step("mkdir " + tsDir.getFileName(), "new version directory, mode 0755"));
				for (Map.Entry<String, byte[]> entry : next.entrySet()) {
					Path file = tsDir.resolve(entry.getKey());
					Files.createDirectories(file.getParent());
					Files.write(file, entry.getValue());
					Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
					steps.accept(step("write " + tsDir.getFileName() + "/" + entry.getKey(),
							"the whole payload, mode 0644"));
				}
				Path dataTmp = this.directory.resolve(DATA_DIR_TMP_NAME);
				Files.createSymbolicLink(dataTmp, tsDir.getFileName());
				steps.accept(step("ln -s " + tsDir.getFileName() + " " + DATA_DIR_TMP_NAME, null));
				Files.move(dataTmp, this.directory.resolve(DATA_DIR_NAME), StandardCopyOption.ATOMIC_MOVE);
				steps.accept(step("mv -T " + DATA_DIR_TMP_NAME + " " + DATA_DIR_NAME, "rename(2): the atomic swap"));
				createUserVisibleFiles(next, steps);
				for (String path : pathsToRemove) {
					Files.deleteIfExists(this.directory.resolve(path));
					steps.accept(step("rm " + path, "a removed key"));
				}
				if (oldTsDir != null) {
					deleteRecursively(this.directory.resolve(oldTsDir));
					steps.accept(step("rm -r " + oldTsDir, "the old version"));
				}
				return true;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * Describe the volume's top-level entries, {@code ls -la} style.
		 * @return one line per entry
		 */
		public List<String> describe() {
			try (Stream<Path> entries = Files.list(this.directory)) {
				List<String> lines = new ArrayList<>();
				for (Path entry : entries.sorted().toList()) {
					String name = entry.getFileName().toString();
					lines.add(Files.isSymbolicLink(entry) ? name + " -> " + Files.readSymbolicLink(entry)
							: name + "/");
				}
				return lines;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		String currentVersionDirectory() {
			Path data = this.directory.resolve(DATA_DIR_NAME);
			try {
				return Files.isSymbolicLink(data) ? Files.readSymbolicLink(data).toString() : null;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static boolean samePayload(Map<String, byte[]> previous, Map<String, byte[]> next) {
			if (!previous.keySet().equals(next.keySet())) {
				return false;
			}
			for (Map.Entry<String, byte[]> entry : next.entrySet()) {
				if (!Arrays.equals(entry.getValue(), previous.get(entry.getKey()))) {
					return false;
				}
			}
			return true;
		}

		private Path newTimestampDir() throws IOException {
			String prefix = ZonedDateTime.now(ZoneOffset.UTC).format(TIMESTAMP);
			for (;;) {
				Path candidate = this.directory
					.resolve(prefix + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt()));
				if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
					Files.createDirectory(candidate);
					Files.setPosixFilePermissions(candidate, PosixFilePermissions.fromString("rwxr-xr-x"));
					return candidate;
				}
			}
		}

		private void createUserVisibleFiles(Map<String, byte[]> payload, Consumer<String> steps) throws IOException {
			for (String key : payload.keySet()) {
				String visible = firstElement(key);
				Path link = this.directory.resolve(visible);
				if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
					Files.createSymbolicLink(link, Path.of(DATA_DIR_NAME).resolve(visible));
					steps.accept(step("ln -s " + DATA_DIR_NAME + "/" + visible + " " + visible, "a new key"));
				}
			}
		}

		private static String step(String command, String comment) {
			return (comment != null) ? String.format("%-52s # %s", command, comment) : command;
		}

		private static String firstElement(String key) {
			int slash = key.indexOf('/');
			return (slash != -1) ? key.substring(0, slash) : key;
		}

	}

	/**
	 * The sample application, started as a plain {@code java -jar}.
	 */
	private static final class App {

		private final Process process;

		private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

		private App(Process process, boolean echo) {
			this.process = process;
			Thread reader = new Thread(() -> read(echo), "app-output");
			reader.setDaemon(true);
			reader.start();
		}

		static App start(Path jar, Path configDir, int port, boolean quiet) throws IOException {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-jar");
			command.add(jar.toString());
			command.add("--config.lag.paths=" + configDir.toAbsolutePath());
			command.add("--server.port=" + port);
			// only where the JDK has no native file events (macOS): poll often, as for local work
			command.add("--config.lag.watch.poll-interval=250ms");
			if (quiet) {
				command.add("--spring.main.banner-mode=off");
				command.add("--logging.level.root=WARN");
				command.add("--logging.level.io.configlag.samples.featureflags=INFO");
				command.add("--logging.pattern.console=%d{HH:mm:ss.SSS} %5p %logger{0} - %m%n");
			}
			if (!quiet) {
				return new App(new ProcessBuilder(command).inheritIO().start(), false);
			}
			return new App(new ProcessBuilder(command).redirectErrorStream(true).start(), true);
		}

		long pid() {
			return this.process.pid();
		}

		private void read(boolean echo) {
			if (!echo) {
				return;
			}
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					System.out.println("    app | " + line);
					Matcher matcher = LAG.matcher(line);
					if (matcher.find()) {
						this.events.add("lag:" + matcher.group(1));
					}
					else if (STARTED.matcher(line).find()) {
						this.events.add("started");
					}
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}

		void awaitReady(int port) throws Exception {
			awaitEvent("started", STARTUP_TIMEOUT);
			get(port, "/actuator/health/readiness");
		}

		String awaitEvent(String prefix, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				String event = this.events.poll(200, TimeUnit.MILLISECONDS);
				if (event != null && event.startsWith(prefix)) {
					return event;
				}
				checkAlive();
			}
			throw new DemoFailure("the sample did not log '" + prefix + "' within " + timeout.toSeconds() + " s");
		}

		void checkAlive() {
			if (!this.process.isAlive()) {
				throw new DemoFailure("the sample exited with code " + this.process.exitValue());
			}
		}

		void stop() {
			if (!this.process.isAlive()) {
				return;
			}
			this.process.destroy();
			try {
				if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					this.process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.process.destroyForcibly();
			}
		}

	}

	/**
	 * The demo could not show what it should.
	 */
	private static final class DemoFailure extends RuntimeException {

		DemoFailure(String message) {
			super(message);
		}

	}

}
