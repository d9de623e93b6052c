package io.configlag.autoconfigure;

import io.configlag.mount.ConfigSnapshot;
import io.configlag.mount.MountedConfigReader;

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

	private final Path path;

	private final MountedConfigReader reader;

	/**
	 * Create a probe reading the given path.
	 * @param path a file or directory, as it would appear in {@code config.lag.paths}
	 */
	public MountedConfigProbe(Path path) {
		this.path = path;
		this.reader = newReader(path);
	}

	private static MountedConfigReader newReader(Path path) {
		ConfigLagProperties properties = new ConfigLagProperties();
		properties.setPaths(List.of(path.toString()));
		return ConfigLagEnvironmentPostProcessor.createReader(new StandardEnvironment(), properties);
	}

	/**
	 * Read the path again with this probe's reader, exactly what one reload reads: files
	 * that did not change since the previous read are taken from it.
	 * @return the snapshot, opaque to callers (hold it to keep it reachable)
	 */
	public Object read() {
		return this.reader.read();
	}

	/**
	 * Read the path with a new reader, which has no previous read to take anything from:
	 * every file is parsed, and the snapshot shares nothing with any other.
	 * @return the snapshot, opaque to callers (hold it to keep it reachable)
	 */
	public Object readFresh() {
		return newReader(this.path).read();
	}

	/**
	 * Read the path with a new reader and return that reader, which holds what it keeps
	 * between reads (the last content of each {@code .properties} file, and through it the
	 * snapshot it read).
	 * @return the reader, opaque to callers (hold it to keep it reachable)
	 */
	public Object readerAfterOneRead() {
		MountedConfigReader reader = newReader(this.path);
		reader.read();
		return reader;
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
