package io.configlag.mount;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when mounted configuration cannot be read or parsed. The message names the file
 * (and line where known) and never contains a property value.
 *
 * @author The config-lag developers
 */
public class ConfigLoadException extends RuntimeException {

	private final @Nullable Path path;

	/**
	 * Create a new instance.
	 * @param path the file or directory that failed, if known
	 * @param message the message, without any property value
	 */
	public ConfigLoadException(@Nullable Path path, String message) {
		super(message);
		this.path = path;
	}

	/**
	 * Create a new instance.
	 * @param path the file or directory that failed, if known
	 * @param message the message, without any property value
	 * @param cause the cause; its message is not repeated
	 */
	public ConfigLoadException(@Nullable Path path, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.path = path;
	}

	/**
	 * Return the file or directory that failed to load.
	 * @return the path or {@code null}
	 */
	public @Nullable Path getPath() {
		return this.path;
	}

}
