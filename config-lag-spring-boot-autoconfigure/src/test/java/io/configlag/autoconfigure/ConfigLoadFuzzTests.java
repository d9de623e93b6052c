package io.configlag.autoconfigure;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.configlag.mount.ConfigLoadException;
import io.configlag.mount.ConfigSnapshot;
import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;
import io.configlag.test.InjectsFaults;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded mutation fuzzing of the loading and parsing path: whatever bytes a mounted file
 * holds, {@link MountedConfigReader#read()} either returns a snapshot or throws a
 * {@link ConfigLoadException} naming the path, in bounded time. Anything else (another
 * exception, a {@link StackOverflowError}, an {@link OutOfMemoryError}, a hang) fails the
 * test with the seed, the iteration and the input, which is also saved under
 * {@code target/config-lag-fuzz}.
 * <p>
 * Inputs are YAML, properties and config-tree seeds mutated by bit flips, truncation,
 * deletion, duplication, splicing and insertion of {@code \0}, tabs, brackets, anchors,
 * aliases, tags, merges, quotes, escapes, BOMs and invalid UTF-8 sequences, plus deep
 * nesting and alias bombs; each is written under a YAML, properties or config-tree name
 * (not always the one its seed had) and read as a directory or as a single file.
 * <p>
 * CI runs {@value #DEFAULT_ITERATIONS} iterations with a fixed seed; run longer with
 * {@code -Dconfiglag.fuzz.iterations=200000 -Dconfiglag.fuzz.seed=<any long>}.
 */
@InjectsFaults
class ConfigLoadFuzzTests {

	static final int DEFAULT_ITERATIONS = 2000;

	private static final long DEFAULT_SEED = 0x5EED_C0DEL;

	private static final long MAX_FILE_SIZE = 256 * 1024;

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final List<String> YAML_SEEDS = List.of("""
			app:
			  name: one
			  count: 3
			  password: S3CR3T-FUZZ
			""", """
			app:
			  list:
			    - a
			    - b
			  map:
			    key: value
			    nested: {x: 1, y: [1, 2]}
			""", """
			a: 1
			---
			spring:
			  config:
			    activate:
			      on-profile: prod & !dev
			a: 2
			---
			spring.config.activate.on-profile: dev
			a: 3
			""", """
			base: &base
			  x: 1
			  y: [1, 2]
			child:
			  <<: *base
			  y: 2
			other: *base
			""", """
			text: |
			  line1
			  line2
			folded: >
			  a
			  b
			quoted: "esc \\t \\u00e9 \\x41"
			single: 'it''s'
			""", """
			a:
			b: ~
			c: null
			d: ''
			"e.f": g
			h[0]: i
			port: 8080
			enabled: yes
			date: 2024-01-01
			hex: 0x1F
			""");

	private static final List<String> PROPERTIES_SEEDS = List.of("""
			app.name=one
			app.count=3
			app.password=S3CR3T-FUZZ
			""", """
			a = b\\
			  continued
			c: d
			# comment
			! bang
			e\\u00e9=f
			key\\ with\\ spaces=v\\tt\\n
			""", """
			list[0]=a
			list[1]=b
			#---
			spring.config.activate.on-profile=prod
			x=y
			""");

	private static final List<String> CONFIG_TREE_SEEDS = List.of("value\n", "multi\nline\n", "", "  padded  ",
			"unicode \u00e9 \u2713\n");

	private static final List<String> YAML_NAMES = List.of("config.yaml", "application.yml");

	private static final List<String> PROPERTIES_NAMES = List.of("application.properties");

	private static final List<String> CONFIG_TREE_NAMES = List.of("app.name", "nested/app.key");

	private static final List<byte[]> TOKENS = tokens("\0", "\t", "{", "}", "[", "]", "&a ", "*a", "&a [*a]", "!!",
			"!!binary ", "!!int ", "!!float ", "!!timestamp ", "!!set ", "!!omap ", "!!python/object:x ", "!local ",
			"\"", "'", "<<: ", "<<: *a", "<<: [*a, *b]", ": ", "- ", "---\n", "...\n", "#", "#---\n", "%YAML 1.1\n",
			"%TAG ! tag:x,2000:\n", "\\u", "\\uZZZZ", "\\", "=", "\n", "\r", "\r\n", "? ", "|", ">", "|-\n", "@", "`",
			"\uFEFF", "\u2028", "\u0085", "spring.config.activate.on-profile: ", "on-profile: prod & (dev",
			"on-profile: ''\n", "on-profile: [dev, '']\n", ",", "&", "!", "(", ")", "\n  ", "\n    - ", "~", "null",
			".inf", "0x", "0o7", "1e9999", "&b {x: *a}");

	private static final List<byte[]> INVALID_UTF8 = List.of(new byte[] { (byte) 0xC3 }, new byte[] { (byte) 0xFF },
			new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
			new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, new byte[] { (byte) 0xC0, (byte) 0xAF },
			new byte[] { (byte) 0x80 });

	@TempDir
	Path temp;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "config-lag-fuzz");
		thread.setDaemon(true);
		return thread;
	});

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void anyInputLoadsOrIsRejectedWithConfigLoadException() throws Exception {
		int iterations = Integer.getInteger("configlag.fuzz.iterations", DEFAULT_ITERATIONS);
		long seed = Long.getLong("configlag.fuzz.seed", DEFAULT_SEED);
		Fuzzing fuzzing = new Fuzzing(seed, iterations);
		Future<Map<String, Integer>> run = this.executor.submit(fuzzing);
		Map<String, Integer> outcomes = null;
		while (outcomes == null) {
			try {
				outcomes = run.get(100, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				Input current = fuzzing.current;
				if (current != null && System.nanoTime() - current.startedAt() > TIMEOUT.toNanos()) {
					run.cancel(true);
					failWith("Reading took longer than " + TIMEOUT.toSeconds() + " s", null, current, seed);
				}
			}
			catch (ExecutionException ex) {
				Input current = fuzzing.current;
				if (current == null || !(ex.getCause() instanceof Escaped escaped)) {
					throw ex;
				}
				failWith(escaped.getMessage(), escaped.getCause(), current, seed);
			}
		}
		System.out.printf(
				"config-lag fuzz: seed %d, %d inputs in %d ms, %d ms of CPU (slowest: iteration %d, %d ms): %s%n", seed,
				iterations, fuzzing.elapsedMillis, fuzzing.cpuMillis, fuzzing.slowestIteration, fuzzing.slowestMillis,
				outcomes);
		// A fuzzer that only ever loads, or only ever rejects, explores nothing
		assertThat(outcomes.getOrDefault("loaded", 0)).as("inputs that loaded").isGreaterThan(iterations / 20);
		assertThat(outcomes.keySet()).as("rejection reasons").hasSizeGreaterThan(5);
	}

	private static String reason(String message) {
		String reason = message.replaceAll("'[^']*'", "").replaceAll("[0-9]+", "N");
		int colon = reason.indexOf(':');
		return "rejected: " + ((colon != -1) ? reason.substring(0, colon) : reason).trim();
	}

	private static void failWith(String problem, @Nullable Throwable cause, Input input, long seed) throws IOException {
		int iteration = input.iteration();
		Path saved = Path.of("target", "config-lag-fuzz",
				"seed-" + seed + "-iteration-" + iteration + "-" + input.name().replace('/', '_'));
		Files.createDirectories(saved.getParent());
		Files.write(saved, input.content());
		StringWriter trace = new StringWriter();
		if (cause != null) {
			cause.printStackTrace(new PrintWriter(trace));
		}
		String text = new String(input.content(), StandardCharsets.UTF_8);
		fail(problem + " (seed " + seed + ", iteration " + iteration + ", file " + input.name() + ", saved to "
				+ saved.toAbsolutePath() + ")\ninput (" + input.content().length + " bytes): "
				+ escape(text.substring(0, Math.min(text.length(), 2000))) + "\n" + trace);
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder();
		for (char c : text.toCharArray()) {
			if (c == '\n') {
				escaped.append("\\n");
			}
			else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c) || c == 0xfffd) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static Input nextInput(Random random, int iteration) {
		int kind = random.nextInt(3);
		List<String> seeds = switch (kind) {
			case 0 -> YAML_SEEDS;
			case 1 -> PROPERTIES_SEEDS;
			default -> CONFIG_TREE_SEEDS;
		};
		// One input in five goes under a name of another format
		int nameKind = (random.nextInt(5) == 0) ? random.nextInt(3) : kind;
		List<String> names = switch (nameKind) {
			case 0 -> YAML_NAMES;
			case 1 -> PROPERTIES_NAMES;
			default -> CONFIG_TREE_NAMES;
		};
		byte[] content;
		if (random.nextInt(20) == 0) {
			content = new byte[random.nextInt(200)];
			random.nextBytes(content);
		}
		else {
			content = pick(random, seeds).getBytes(StandardCharsets.UTF_8);
			int mutations = 1 + random.nextInt(4);
			for (int i = 0; i < mutations; i++) {
				content = mutate(random, content);
			}
		}
		return new Input(iteration, pick(random, names), content, 0);
	}

	private static byte[] mutate(Random random, byte[] content) {
		int length = content.length;
		int at = (length > 0) ? random.nextInt(length + 1) : 0;
		return switch (random.nextInt(12)) {
			case 0 -> {
				byte[] flipped = content.clone();
				if (length > 0) {
					flipped[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
				}
				yield flipped;
			}
			case 1 -> {
				byte[] replaced = content.clone();
				if (length > 0) {
					// Mostly ASCII, so that most inputs get past UTF-8 decoding
					replaced[random.nextInt(length)] = (byte) random.nextInt((random.nextInt(8) == 0) ? 256 : 128);
				}
				yield replaced;
			}
			case 2 -> Arrays.copyOf(content, at);
			case 3 -> {
				int end = Math.min(length, at + 1 + random.nextInt(16));
				yield concat(Arrays.copyOfRange(content, 0, at), Arrays.copyOfRange(content, end, length));
			}
			case 4 -> {
				int end = Math.min(length, at + random.nextInt(64));
				byte[] chunk = Arrays.copyOfRange(content, at, end);
				yield insert(content, random.nextInt(length + 1), chunk);
			}
			case 5 -> insert(content, at, pick(random, INVALID_UTF8));
			case 6 -> insert(content, at, splice(random));
			case 7 -> insert(content, at, nesting(random));
			case 8 -> concat(content, aliasBomb(random));
			case 9 -> indent(random, content);
			default -> insert(content, at, pick(random, TOKENS));
		};
	}

	private static byte[] splice(Random random) {
		List<String> all = new ArrayList<>(YAML_SEEDS);
		all.addAll(PROPERTIES_SEEDS);
		byte[] other = pick(random, all).getBytes(StandardCharsets.UTF_8);
		int from = random.nextInt(other.length);
		return Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + random.nextInt(80)));
	}

	private static byte[] nesting(Random random) {
		int depth = 1 + random.nextInt(80);
		String open = switch (random.nextInt(3)) {
			case 0 -> "[";
			case 1 -> "{a: ";
			default -> "- ";
		};
		String close = switch (open) {
			case "[" -> "]";
			case "{a: " -> "}";
			default -> "";
		};
		boolean closed = random.nextBoolean();
		return (open.repeat(depth) + "x" + (closed ? close.repeat(depth) : "")).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] aliasBomb(Random random) {
		// Either small enough to load quickly or far beyond the limit (the limit itself
		// is covered by HostileYamlTests)
		boolean small = random.nextBoolean();
		int levels = small ? 1 + random.nextInt(4) : 6 + random.nextInt(4);
		int width = small ? 2 + random.nextInt(3) : 10;
		StringBuilder yaml = new StringBuilder("\nl0: &l0 [x");
		yaml.append(", x".repeat(width - 1)).append("]\n");
		for (int level = 1; level <= levels; level++) {
			yaml.append('l').append(level).append(": &l").append(level).append(" [*l").append(level - 1);
			yaml.append((", *l" + (level - 1)).repeat(width - 1)).append("]\n");
		}
		if (random.nextBoolean()) {
			yaml.append("r: &r {self: *r}\n");
		}
		return yaml.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] indent(Random random, byte[] content) {
		String text = new String(content, StandardCharsets.ISO_8859_1);
		String[] lines = text.split("\n", -1);
		int line = random.nextInt(lines.length);
		lines[line] = random.nextBoolean() ? " ".repeat(1 + random.nextInt(4)) + lines[line]
				: lines[line].replaceFirst("^ {1,2}", "");
		return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
	}

	private static byte[] insert(byte[] content, int at, byte[] inserted) {
		byte[] result = new byte[content.length + inserted.length];
		System.arraycopy(content, 0, result, 0, at);
		System.arraycopy(inserted, 0, result, at, inserted.length);
		System.arraycopy(content, at, result, at + inserted.length, content.length - at);
		return result;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		return insert(a, a.length, b);
	}

	private static <T> T pick(Random random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

	private static List<byte[]> tokens(String... tokens) {
		return Arrays.stream(tokens).map((token) -> token.getBytes(StandardCharsets.UTF_8)).toList();
	}

	private record Input(int iteration, String name, byte[] content, long startedAt) {

		Input startingNow() {
			return new Input(this.iteration, this.name, this.content, System.nanoTime());
		}

	}

	/**
	 * The fuzzing loop, run on one thread while the test thread watches for a hang.
	 */
	private final class Fuzzing implements Callable<Map<String, Integer>> {

		private final long seed;

		private final int iterations;

		private final StandardEnvironment environment = new StandardEnvironment();

		volatile @Nullable Input current;

		long elapsedMillis;

		long cpuMillis;

		long slowestMillis;

		int slowestIteration;

		Fuzzing(long seed, int iterations) {
			this.seed = seed;
			this.iterations = iterations;
			this.environment.setActiveProfiles("prod");
		}

		@Override
		public Map<String, Integer> call() throws IOException {
			Random random = new Random(this.seed);
			Map<String, Integer> outcomes = new TreeMap<>();
			long start = System.nanoTime();
			Path directory = ConfigLoadFuzzTests.this.temp.resolve("input");
			for (int iteration = 0; iteration < this.iterations; iteration++) {
				Input input = nextInput(random, iteration);
				FileSystemUtils.deleteRecursively(directory);
				Path file = directory.resolve(input.name());
				Files.createDirectories(file.getParent());
				Files.write(file, input.content());
				boolean singleFile = random.nextInt(4) == 0 && !input.name().contains("/");
				Path watched = singleFile ? file : directory;
				MountedConfigReader reader = new MountedConfigReader(WatchedPath.of(List.of(watched.toString())),
						MAX_FILE_SIZE, this.environment);
				this.current = input.startingNow();
				outcomes.merge(read(reader, watched), 1, Integer::sum);
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.current.startedAt());
				if (millis > this.slowestMillis) {
					this.slowestMillis = millis;
					this.slowestIteration = iteration;
				}
			}
			this.elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			this.cpuMillis = TimeUnit.NANOSECONDS
				.toMillis(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
			return outcomes;
		}

		private String read(MountedConfigReader reader, Path watched) {
			try {
				ConfigSnapshot snapshot = reader.read();
				if (snapshot.properties().containsKey(null) || snapshot.properties().containsValue(null)) {
					throw new Escaped("A snapshot with a null key or value", null);
				}
				return "loaded";
			}
			catch (ConfigLoadException ex) {
				if (ex.getMessage() == null || !ex.getMessage().contains(watched.toString())) {
					throw new Escaped("A ConfigLoadException that does not name the path", ex);
				}
				return reason(ex.getMessage());
			}
			catch (Throwable ex) {
				throw new Escaped(ex.getClass().getName() + " escaped the reader", ex);
			}
		}

	}

	/**
	 * Anything but a snapshot or a {@link ConfigLoadException}.
	 */
	private static final class Escaped extends RuntimeException {

		Escaped(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}
