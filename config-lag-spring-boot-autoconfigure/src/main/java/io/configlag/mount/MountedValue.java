package io.configlag.mount;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.io.Resource;

/**
 * A value read from a mounted file, with where it was read, as the {@link Map} view of a
 * snapshot's {@link CompactProperties} gives it. Spring Boot's loaders give each value an
 * {@link OriginTrackedValue} that holds a {@link TextResourceOrigin} that holds a
 * {@link Location}; a snapshot keeps none of them but creates a {@code MountedValue}, and
 * from it an equal origin, when it is asked for one.
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
	 * Create a value read at a text position.
	 * @param value the plain value
	 * @param resource the file it was read from
	 * @param line the zero-based line
	 * @param column the zero-based column
	 * @return the value
	 */
	static MountedValue of(Object value, Resource resource, int line, int column) {
		return new MountedValue(value, resource, line, column);
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
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof MountedValue that && this.value.equals(that.value)
				&& this.resource.equals(that.resource) && this.line == that.line && this.column == that.column);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.value, this.resource, this.line, this.column);
	}

	@Override
	public String toString() {
		return String.valueOf(this.value);
	}

}
