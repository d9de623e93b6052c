package io.configlag.mount;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;

/**
 * An immutable view of everything read from the watched paths at one moment.
 *
 * @param properties the merged properties, in precedence order; read them with
 * {@link #value(String)}, {@link #origin(String)} and {@link #names()} (as a {@link Map},
 * values read from a properties or YAML file are {@link MountedValue}s, created on each
 * access, which carry their origin)
 * @param version a short hash of the content that was read
 * @param paths what was found at each watched path
 * @param fingerprint cheap metadata of the paths taken just before reading, used to tell
 * whether anything may have changed since
 */
public record ConfigSnapshot(CompactProperties properties, String version, List<PathState> paths,
		List<String> fingerprint) {

	public static final ConfigSnapshot EMPTY = new ConfigSnapshot(CompactProperties.EMPTY, "none", List.of(), List.of());

	/**
	 * Return the property value as the string that is compared between versions.
	 * @param name the property name
	 * @return the value as a string or {@code null}
	 */
	public @Nullable String getString(String name) {
		return this.properties.getString(name);
	}

	/**
	 * Return the plain value of a property, without its origin.
	 * @param name the property name
	 * @return the value or {@code null}
	 */
	@Nullable Object value(String name) {
		return this.properties.value(name);
	}

	/**
	 * Return where a property was read.
	 * @param name the property name
	 * @return the origin or {@code null}
	 */
	@Nullable Origin origin(String name) {
		return this.properties.origin(name);
	}

	/**
	 * Return the property names in precedence order, as a new array.
	 * @return the names
	 */
	String[] names() {
		return this.properties.names();
	}

	/**
	 * Return the names of the properties whose value, as text, contains the given text.
	 * @param text the text to look for
	 * @return the names
	 */
	public List<String> namesWithValueContaining(String text) {
		return this.properties.keysWithValueContaining(text);
	}

	public static @Nullable String asString(@Nullable Object value) {
		Object plain = MountedValue.unwrap(value);
		return (plain != null) ? plain.toString() : null;
	}

	/**
	 * Return the most recent time that content of any watched path was written.
	 * @return the latest write time or {@code null}
	 */
	public @Nullable Instant lastWritten() {
		Instant latest = null;
		for (PathState path : this.paths) {
			if (path.writtenAt() != null && (latest == null || path.writtenAt().isAfter(latest))) {
				latest = path.writtenAt();
			}
		}
		return latest;
	}

	/**
	 * What was found at one watched path.
	 *
	 * @param path the watched path
	 * @param kind what the path is
	 * @param kubeletVolume whether it is (or is inside) a volume written by the kubelet's
	 * atomic writer
	 * @param writtenAt when its current content was written: the time of the {@code ..data}
	 * symlink for a kubelet volume, the newest file modification time otherwise
	 * @param keys the number of keys read from it
	 * @param files the files read, relative to the path
	 */
	public record PathState(WatchedPath path, PathKind kind, boolean kubeletVolume, @Nullable Instant writtenAt, int keys,
			List<String> files) {

	}

	/**
	 * What a watched path is.
	 */
	public enum PathKind {

		FILE, DIRECTORY, MISSING

	}

}
