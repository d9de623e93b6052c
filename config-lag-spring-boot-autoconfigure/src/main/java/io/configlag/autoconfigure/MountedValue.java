package io.configlag.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.io.Resource;

/**
 * A value read from a mounted file, with where it was read. Spring Boot's loaders give each
 * value an {@link OriginTrackedValue} that holds a {@link TextResourceOrigin} that holds a
 * {@link Location}: three objects (72 bytes) per key on top of the key and the value. A
 * snapshot keeps one {@code MountedValue} (32 bytes) instead, pointing at the file's shared
 * resource, and creates the equal origin when it is asked for.
 *
 * @author config-lag
 */
final class MountedValue implements OriginProvider {

	private final Object value;

	private final Resource resource;

	private final int line;

	private final int column;

	private MountedValue(Object value, Resource resource, int line, int column) {
		this.value = value;
		this.resource = resource;
		this.line = line;
		this.column = column;
	}

	/**
	 * Return the compact form of a value from Spring Boot's loaders, or the value itself
	 * when it has no text position.
	 * @param value a value of an {@code OriginTrackedMapPropertySource}
	 * @return the value to keep in a snapshot
	 */
	static Object compact(Object value) {
		if (value instanceof OriginTrackedValue tracked && tracked.getOrigin() instanceof TextResourceOrigin origin
				&& origin.getResource() != null && origin.getLocation() != null
				&& origin.getClass() == TextResourceOrigin.class) {
			Location location = origin.getLocation();
			return new MountedValue(tracked.getValue(), origin.getResource(), location.getLine(),
					location.getColumn());
		}
		return value;
	}

	/**
	 * Return the value without its origin.
	 * @param value a value kept in a snapshot
	 * @return the plain value
	 */
	static @Nullable Object unwrap(@Nullable Object value) {
		if (value instanceof MountedValue mounted) {
			return mounted.value;
		}
		if (value instanceof OriginTrackedValue tracked) {
			return tracked.getValue();
		}
		return value;
	}

	/**
	 * Return the origin of a value kept in a snapshot.
	 * @param value the value
	 * @return its origin or {@code null}
	 */
	static @Nullable Origin originOf(@Nullable Object value) {
		return (value instanceof OriginProvider provider) ? provider.getOrigin() : null;
	}

	@Override
	public Origin getOrigin() {
		return new TextResourceOrigin(this.resource, new Location(this.line, this.column));
	}

	@Override
	public String toString() {
		return String.valueOf(this.value);
	}

}
