package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import org.springframework.core.env.StandardEnvironment;

/**
 * Benchmark access to the starter's package-private reader: reads watched paths exactly
 * as the running starter does (same {@code ConfigLagEnvironmentPostProcessor#createReader}
 * factory, default {@code config.lag.*} settings), outside any application context, so
 * that reading and the retained size of a snapshot can be measured on their own.
 *
 * @author config-lag
 */
public final class MountedConfigProbe {

	private final MountedConfigReader reader;

	/**
	 * Create a probe reading the given path.
	 * @param path a file or directory, as it would appear in {@code config.lag.paths}
	 */
	public MountedConfigProbe(Path path) {
		ConfigLagProperties properties = new ConfigLagProperties();
		properties.setPaths(List.of(path.toString()));
		this.reader = ConfigLagEnvironmentPostProcessor.createReader(new StandardEnvironment(), properties);
	}

	/**
	 * Read the path into a new snapshot, exactly what one reload reads.
	 * @return the snapshot, opaque to callers (hold it to keep it reachable)
	 */
	public Object read() {
		return this.reader.read();
	}

	/**
	 * Return the metadata a poll compares (no file is read).
	 * @return the fingerprint
	 */
	public List<String> fingerprint() {
		return this.reader.fingerprint();
	}

	/**
	 * Return the number of keys of a snapshot returned by {@link #read()}.
	 * @param snapshot the snapshot
	 * @return its number of keys
	 */
	public static int keys(Object snapshot) {
		return ((ConfigSnapshot) snapshot).properties().size();
	}

}
