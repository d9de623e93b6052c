package io.configlag;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What was found at one watched path in the version in effect.
 *
 * @param location the location as configured in {@code config.lag.paths}
 * @param path the absolute path
 * @param kind what the path is
 * @param kubeletVolume whether the path is, or is a file in, a volume written by the
 * kubelet's atomic writer (a ConfigMap, Secret or projected volume)
 * @param writtenAt when its current content was written to disk: the time of the
 * {@code ..data} link for a kubelet volume, the newest modification time otherwise
 * @param keys the number of property keys read from it
 * @param files the files read, relative to the path
 * @author The config-lag developers
 */
public record MountedPath(String location, Path path, Kind kind, boolean kubeletVolume, @Nullable Instant writtenAt,
		int keys, List<String> files) {

	/**
	 * What a watched path is.
	 */
	public enum Kind {

		/**
		 * A directory.
		 */
		DIRECTORY,

		/**
		 * A file.
		 */
		FILE,

		/**
		 * Nothing is there (an {@code optional:} path).
		 */
		MISSING

	}

}
