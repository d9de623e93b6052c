package io.configlag.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.configlag.test.KubeletVolume;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The volume and the applications of the JMH benchmarks: one ConfigMap file (the
 * refresh-cost section's keys for {@value #PROPERTIES_BEANS} generated
 * {@code @ConfigurationProperties} beans, plus {@value #UNBOUND_KEY}, which no bean
 * binds) written by the kubelet fixture, read either by the starter or by Spring Boot's
 * config data.
 *
 * @author The config-lag developers
 */
final class MicroFixture implements AutoCloseable {

	static final int PROPERTIES_BEANS = 200;

	static final String UNBOUND_KEY = "unbound.stamp";

	private final RefreshCostSection.Format format;

	private final Path root;

	private final KubeletVolume volume;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Write the first version of the volume in a new temporary directory.
	 * @param format {@code properties} or {@code yaml}
	 */
	MicroFixture(String format) {
		this.format = RefreshCostSection.Format.valueOf(format.toUpperCase(Locale.ROOT));
		try {
			this.root = Files.createTempDirectory("config-lag-jmh");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.volume = KubeletVolume.configMap(this.root.resolve("volume"));
		this.volume.write(payload(0, 0));
	}

	RefreshCostSection.Format format() {
		return this.format;
	}

	KubeletVolume volume() {
		return this.volume;
	}

	/**
	 * The whole ConfigMap for the given versions of the bound key ({@link #boundKey()})
	 * and of {@value #UNBOUND_KEY}.
	 * @param boundVersion the bound version
	 * @param unboundVersion the unbound version
	 * @return the map
	 */
	Map<String, String> payload(int boundVersion, int unboundVersion) {
		Map<String, String> payload = RefreshCostSection.payload(this.format, PROPERTIES_BEANS, 0, boundVersion);
		String unbound = (this.format == RefreshCostSection.Format.YAML)
				? "unbound:\n  stamp: v" + unboundVersion + "\n" : UNBOUND_KEY + "=v" + unboundVersion + "\n";
		payload.merge(this.format.file(), unbound, String::concat);
		return payload;
	}

	/**
	 * The key of the one {@code @ConfigurationProperties} bean that {@link #payload}
	 * changes.
	 * @return the string
	 */
	String boundKey() {
		return RefreshCostSection.changedKey(PROPERTIES_BEANS);
	}

	/**
	 * A key present in the file, bound by a bean that no benchmark changes.
	 * @return the string
	 */
	String lookupKey() {
		return GeneratedBeans.prefix(PROPERTIES_BEANS / 2) + ".value";
	}

	/**
	 * Start the application with the starter reading the volume. Nothing watches it:
	 * polls and watchdog are an hour apart, so every reload is one a benchmark asked for.
	 * @return the configurable application context
	 */
	ConfigurableApplicationContext startWithStarter() {
		return start("--config.lag.paths=" + this.volume.directory(), "--config.lag.watch.mode=polling",
				"--config.lag.watch.poll-interval=1h", "--config.lag.watch.watchdog-interval=1h");
	}

	/**
	 * Start the application with the starter disabled and Spring Boot's config data
	 * reading the same volume.
	 * @return the configurable application context
	 */
	ConfigurableApplicationContext startWithBootConfigData() {
		return start("--config.lag.enabled=false",
				"--spring.config.additional-location=file:" + this.volume.directory() + "/");
	}

	private ConfigurableApplicationContext start(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.add("--" + GeneratedBeans.PROPERTIES_BEANS + "=" + PROPERTIES_BEANS);
		ConfigurableApplicationContext context = LagBenchmark.start(MicroApp.class, WebApplicationType.NONE,
				all.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	@Override
	public void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		FileSystemUtils.deleteRecursively(this.root.toFile());
	}

}
