package io.configlag.mount;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For randomly generated volumes, the keys and values config-lag puts in the
 * {@code Environment} are those Spring Boot's own {@code spring.config.import} gives for
 * the same files, profiles and cloud platform. Each volume holds multi-document YAML and
 * properties files whose documents are activated by {@code on-profile} expressions and
 * {@code on-cloud-platform}, and config-tree files, some in nested directories, the tree
 * itself sometimes activated by an {@code on-profile} entry. Both sides run through a
 * real {@code SpringApplication}: config-lag with {@code config.lag.paths} set to the
 * volume, Boot with a {@code file:} import of each YAML and properties file (in the order
 * config-lag merges them, later ones winning) and a {@code configtree:} import of the
 * volume.
 * <p>
 * The seed is printed; reproduce or extend a run with
 * {@code -Dconfiglag.diff.seed=<seed> -Dconfiglag.diff.iterations=<n>}.
 *
 * @author The config-lag developers
 */
@InjectsFaults
class BootImportDifferentialTests {

	private static final int DEFAULT_ITERATIONS = 30;

	/**
	 * Profiles that may be active; {@code g} is a group that includes {@code c}.
	 */
	private static final String[] PROFILES = { "a", "b", "c", "g" };

	private static final String[] PROFILE_EXPRESSIONS = { "a", "b", "!a", "a & !b", "a | c", "(a & b) | !c", "a,b",
			"!b & !c", "c", "default", "!default", "g & c" };

	private static final String[] PLATFORMS = { "kubernetes", "heroku", "none", "cloud-foundry", "KUBERNETES" };

	private static final String[] KEYS = { "app.name", "app.port", "app.enabled", "app.nested.deep.key",
			"server.timeout", "feature.x", "feature.y", "db.url", "list" };

	private static final String[] TREE_FILES = { "token", "password", "tree/user", "tree/pass", "tree/deep/er/key",
			"api-key", "my.secret", "API_TOKEN" };

	private static final String TREE_ACTIVATION = "spring/config/activate/on-profile";

	@TempDir
	Path temp;

	@Test
	void configLagReadsWhatSpringBootsImportReads() {
		long seed = Long.getLong("configlag.diff.seed", new Random().nextLong());
		int iterations = Integer.getInteger("configlag.diff.iterations", DEFAULT_ITERATIONS);
		System.out.printf(
				"config-lag differential test against spring.config.import: seed %d, %d volumes "
						+ "(-Dconfiglag.diff.seed=%d -Dconfiglag.diff.iterations=%d)%n",
				seed, iterations, seed, iterations);
		Random random = new Random(seed);
		long start = System.nanoTime();
		long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
		int keys = 0;
		for (int iteration = 0; iteration < iterations; iteration++) {
			Volume volume = generate(random, this.temp.resolve("volume-" + iteration));
			Map<String, String> configLag = run(volume, "config.lag.paths=" + volume.directory(),
					(environment) -> valuesOf(environment.getPropertySources().get(MountedConfigPropertySource.NAME)));
			Map<String, String> boot = run(volume, "spring.config.import=" + volume.imports(),
					(environment) -> bootValues(environment, volume));
			assertThat(configLag).as("seed %d, volume %d: %s", seed, iteration, volume).isEqualTo(boot);
			keys += boot.size();
		}
		assertThat(keys).as("keys compared").isGreaterThan(iterations);
		System.out.printf("config-lag differential test: %d volumes (%d keys) equal in %d ms, %d ms of CPU%n",
				iterations, keys, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.NANOSECONDS
					.toMillis(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart));
	}

	private static Map<String, String> run(Volume volume, String location,
			Function<ConfigurableEnvironment, Map<String, String>> values) {
		List<String> properties = new ArrayList<>();
		properties.add(location);
		properties.add("spring.main.log-startup-info=false");
		properties.add("logging.level.root=warn");
		properties.add("spring.profiles.group.g=c");
		if (volume.defaultProfile() != null) {
			properties.add("spring.profiles.default=" + volume.defaultProfile());
		}
		if (!volume.profiles().isEmpty()) {
			properties.add("spring.profiles.active=" + String.join(",", volume.profiles()));
		}
		if (volume.platform() != null) {
			properties.add("spring.main.cloud-platform=" + volume.platform());
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Empty.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties(properties.toArray(new String[0]))
			.run()) {
			return values.apply(context.getEnvironment());
		}
	}

	/**
	 * The values Boot's imports give: for every key of the sources read from the volume,
	 * the value of the source with the highest precedence. Boot's config tree also reads
	 * the YAML and properties files as entries; those entries are left out.
	 */
	private static Map<String, String> bootValues(ConfigurableEnvironment environment, Volume volume) {
		Map<String, String> values = new TreeMap<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source.getName().contains(volume.directory().toString())) {
				valuesOf(source).forEach((name, value) -> {
					if (!volume.parsedFiles().contains(name)) {
						values.putIfAbsent(name, value);
					}
				});
			}
		}
		return values;
	}

	private static Map<String, String> valuesOf(PropertySource<?> source) {
		Map<String, String> values = new TreeMap<>();
		for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
			values.put(name, String.valueOf(source.getProperty(name)));
		}
		return values;
	}

	private static Volume generate(Random random, Path directory) {
		Map<String, String> payload = new TreeMap<>();
		int files = 1 + random.nextInt(4);
		for (int i = 0; i < files; i++) {
			String folder = (random.nextInt(4) == 0) ? "conf/" : "";
			switch (random.nextInt(3)) {
				case 0 -> payload.put(folder + "c" + i + ".yml", yaml(random));
				case 1 -> payload.put(folder + "c" + i + ".yaml", yaml(random));
				default -> payload.put(folder + "c" + i + ".properties", properties(random));
			}
		}
		for (String file : TREE_FILES) {
			if (random.nextInt(3) == 0) {
				payload.put(file, treeValue(random));
			}
		}
		if (random.nextInt(5) == 0) {
			// Boot activates a config tree as a whole, like any other document
			payload.put(TREE_ACTIVATION, pick(random, PROFILE_EXPRESSIONS) + "\n");
		}
		List<String> profiles = new ArrayList<>();
		for (String profile : PROFILES) {
			if (random.nextBoolean()) {
				profiles.add(profile);
			}
		}
		String defaultProfile = (random.nextInt(4) == 0) ? pick(random, PROFILES) : null;
		String platform = (random.nextInt(3) == 0) ? null : pick(random, PLATFORMS);
		KubeletVolume volume = KubeletVolume.configMap(directory).write(payload);
		return new Volume(volume.directory(), payload, profiles, defaultProfile, platform);
	}

	private static String yaml(Random random) {
		StringBuilder yaml = new StringBuilder();
		int documents = 1 + random.nextInt(4);
		for (int document = 0; document < documents; document++) {
			if (document > 0) {
				yaml.append("---\n");
			}
			if (random.nextInt(8) == 0) {
				yaml.append("# only a comment\n");
				continue;
			}
			if (random.nextInt(3) > 0) {
				yaml.append(yamlActivation(random));
			}
			boolean nested = false;
			for (String key : keys(random)) {
				if (key.equals("list")) {
					yaml.append("list:\n  - ")
						.append(yamlScalar(random))
						.append("\n  - ")
						.append(yamlScalar(random))
						.append('\n');
				}
				else if (nested || random.nextBoolean()) {
					yaml.append(key).append(": ").append(yamlScalar(random)).append('\n');
				}
				else {
					// One nested key a document: two would repeat their first element
					nested = true;
					String[] elements = key.split("\\.");
					for (int i = 0; i < elements.length; i++) {
						yaml.append("  ".repeat(i)).append(elements[i]).append(':');
						yaml.append((i < elements.length - 1) ? "\n" : " " + yamlScalar(random) + "\n");
					}
				}
			}
		}
		return yaml.toString();
	}

	private static String yamlActivation(Random random) {
		StringBuilder activation = new StringBuilder("spring:\n  config:\n    activate:\n");
		int kind = random.nextInt(4);
		if (kind != 1) {
			activation.append("      on-profile: ");
			activation
				.append((random.nextInt(4) == 0) ? "[" + pick(random, PROFILES) + ", " + pick(random, PROFILES) + "]"
						: "\"" + pick(random, PROFILE_EXPRESSIONS) + "\"");
			activation.append('\n');
		}
		if (kind != 0) {
			activation.append("      on-cloud-platform: ").append(pick(random, PLATFORMS)).append('\n');
		}
		return activation.toString();
	}

	private static String properties(Random random) {
		StringBuilder properties = new StringBuilder();
		int documents = 1 + random.nextInt(3);
		for (int document = 0; document < documents; document++) {
			if (document > 0) {
				properties.append(random.nextBoolean() ? "#---\n" : "!---\n");
				if (random.nextInt(4) == 0) {
					properties.append("spring.config.activate.on-profile[0]=")
						.append(pick(random, PROFILES))
						.append("\nspring.config.activate.on-profile[1]=")
						.append(pick(random, PROFILES))
						.append('\n');
				}
				else if (random.nextInt(3) > 0) {
					properties.append("spring.config.activate.on-profile=")
						.append(pick(random, PROFILE_EXPRESSIONS))
						.append('\n');
				}
				if (random.nextInt(3) == 0) {
					properties.append("spring.config.activate.on-cloud-platform=")
						.append(pick(random, PLATFORMS))
						.append('\n');
				}
			}
			for (String key : keys(random)) {
				if (key.equals("list")) {
					properties.append("list[0]=")
						.append(word(random))
						.append("\nlist[1]=")
						.append(word(random))
						.append('\n');
				}
				else {
					properties.append(key).append(random.nextBoolean() ? "=" : " : ").append(word(random)).append('\n');
				}
			}
		}
		return properties.toString();
	}

	private static Set<String> keys(Random random) {
		Set<String> keys = new TreeSet<>();
		int count = 1 + random.nextInt(4);
		for (int i = 0; i < count; i++) {
			keys.add(pick(random, KEYS));
		}
		return keys;
	}

	private static String yamlScalar(Random random) {
		return switch (random.nextInt(5)) {
			case 0 -> Integer.toString(random.nextInt(100000));
			case 1 -> random.nextBoolean() ? "true" : "false";
			case 2 -> "\"" + word(random) + " with spaces\"";
			case 3 -> "";
			default -> word(random);
		};
	}

	private static String word(Random random) {
		String[] words = { "alpha", "beta", "Grüße", "日本", "x1", "value", "8080", "true" };
		return pick(random, words) + random.nextInt(10);
	}

	private static String treeValue(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> word(random) + "\n";
			case 1 -> "";
			case 2 -> "\n";
			case 3 -> word(random) + "\r\n";
			case 4 -> word(random) + "\n" + word(random) + "\n";
			default -> word(random);
		};
	}

	private static <T> T pick(Random random, T[] values) {
		return values[random.nextInt(values.length)];
	}

	/**
	 * A generated volume.
	 */
	private record Volume(Path directory, Map<String, String> payload, List<String> profiles,
			@Nullable String defaultProfile, @Nullable String platform) {

		/**
		 * The imports that read the volume as config-lag does: its YAML and properties
		 * files in the order config-lag merges them (the later ones win), and the volume
		 * as a config tree.
		 */
		String imports() {
			List<String> imports = new ArrayList<>();
			imports.add("configtree:" + this.directory + "/");
			for (String file : this.payload.keySet()) {
				if (isParsed(file)) {
					imports.add("file:" + this.directory.resolve(file));
				}
				else if (file.equals(TREE_ACTIVATION)) {
					// The only tree entry whose key a parsed file may also have: the tree
					// is imported where config-lag merges it
					imports.remove(0);
					imports.add("configtree:" + this.directory + "/");
				}
			}
			return String.join(",", imports);
		}

		/**
		 * The names Boot's config tree gives the YAML and properties files.
		 */
		Set<String> parsedFiles() {
			Set<String> names = new TreeSet<>();
			for (String file : this.payload.keySet()) {
				if (isParsed(file)) {
					names.add(file.replace('/', '.'));
				}
			}
			return names;
		}

		private static boolean isParsed(String file) {
			return file.endsWith(".yml") || file.endsWith(".yaml") || file.endsWith(".properties");
		}

		@Override
		public String toString() {
			Map<String, String> description = new LinkedHashMap<>();
			description.put("profiles", this.profiles.toString());
			description.put("default profile", this.defaultProfile);
			description.put("platform", this.platform);
			this.payload.forEach((file, content) -> description.put(file, "\n" + content));
			return description.toString();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
