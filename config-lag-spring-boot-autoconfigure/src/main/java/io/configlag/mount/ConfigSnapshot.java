package io.configlag.mount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.boot.origin.OriginTrackedValue;

/**
 * An immutable view of everything read from the watched paths at one moment.
 *
 * @param properties the merged properties, in precedence order, as Spring Boot's
 * {@link org.springframework.boot.env.OriginTrackedMapPropertySource} holds them: values
 * read from files are {@link OriginTrackedValue}s that carry their origin
 * @param version a short hash of the content that was read
 * @param paths what was found at each watched path
 * @author The config-lag developers
 */
public record ConfigSnapshot(Map<String, Object> properties, String version, List<PathState> paths) {

	/**
	 * The snapshot of nothing read.
	 */
	public static final ConfigSnapshot EMPTY = new ConfigSnapshot(Map.of(), "none", List.of());

	/**
	 * Create a snapshot; the properties are copied, in their order.
	 */
	public ConfigSnapshot {
		properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
		paths = List.copyOf(paths);
	}

	/**
	 * Return the property value as the string that is compared between versions.
	 * @param name the property name
	 * @return the value as a string or {@code null}
	 */
	public @Nullable String getString(String name) {
		return asString(this.properties.get(name));
	}

	/**
	 * Return the plain value of a property, without its origin.
	 * @param name the property name
	 * @return the value or {@code null}
	 */
	@Nullable Object value(String name) {
		return unwrap(this.properties.get(name));
	}

	/**
	 * Return where a property was read.
	 * @param name the property name
	 * @return the origin or {@code null}
	 */
	@Nullable Origin origin(String name) {
		return (this.properties.get(name) instanceof OriginProvider provider) ? provider.getOrigin() : null;
	}

	/**
	 * Return the property names in precedence order, as a new array.
	 * @return the names
	 */
	String[] names() {
		return this.properties.keySet().toArray(new String[0]);
	}

	/**
	 * Return the names of the properties whose value, as text, contains the given text.
	 * @param text the text to look for
	 * @return the names
	 */
	public List<String> namesWithValueContaining(String text) {
		List<String> names = new ArrayList<>();
		this.properties.forEach((name, value) -> {
			String string = asString(value);
			if (string != null && string.contains(text)) {
				names.add(name);
			}
		});
		return names;
	}

	/**
	 * Return a value kept in a snapshot as a string, without its origin.
	 * @param value the value
	 * @return its string form or {@code null}
	 */
	public static @Nullable String asString(@Nullable Object value) {
		Object plain = unwrap(value);
		return (plain != null) ? plain.toString() : null;
	}

	/**
	 * Return a value kept in a snapshot without its origin, as
	 * {@link org.springframework.boot.env.OriginTrackedMapPropertySource#getProperty}
	 * does.
	 * @param value the value
	 * @return the plain value
	 */
	static @Nullable Object unwrap(@Nullable Object value) {
		return (value instanceof OriginTrackedValue tracked) ? tracked.getValue() : value;
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
	 * Return why this snapshot must not replace the given previous one because a mount
	 * vanished: a path that had keys and is now missing, or an empty directory that is
	 * not a kubelet volume (a mount point that is not populated yet), is a vanished mount
	 * rather than the removal of every key, and the last good version stays.
	 * @param previous the snapshot in effect
	 * @return the reason, or {@code null} if no mount vanished
	 */
	public @Nullable ConfigLoadException vanishedFrom(ConfigSnapshot previous) {
		for (PathState state : this.paths) {
			boolean empty = state.kind() == PathKind.MISSING
					|| (state.kind() == PathKind.DIRECTORY && !state.kubeletVolume() && state.files().isEmpty());
			if (empty && previous.hadKeys(state.path())) {
				String what = (state.kind() == PathKind.MISSING) ? "disappeared" : "is empty";
				return new ConfigLoadException(state.path().path(), "Config path '" + state.path().location() + "' "
						+ what + "; keeping its last keys until it is populated again");
			}
		}
		return null;
	}

	private boolean hadKeys(WatchedPath path) {
		for (PathState state : this.paths) {
			if (state.path().equals(path) && state.keys() > 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * What was found at one watched path.
	 *
	 * @param path the watched path
	 * @param kind what the path is
	 * @param kubeletVolume whether it is (or is inside) a volume written by the kubelet's
	 * atomic writer
	 * @param writtenAt when its current content was written: the time of the
	 * {@code ..data} symlink for a kubelet volume, the newest file modification time
	 * otherwise
	 * @param keys the number of keys read from it
	 * @param files the files read, relative to the path
	 */
	public record PathState(WatchedPath path, PathKind kind, boolean kubeletVolume, @Nullable Instant writtenAt,
			int keys, List<String> files) {

	}

	/**
	 * What a watched path is.
	 */
	public enum PathKind {

		/**
		 * A file.
		 */
		FILE,

		/**
		 * A directory.
		 */
		DIRECTORY,

		/**
		 * Nothing (an {@code optional:} path).
		 */
		MISSING

	}

}
