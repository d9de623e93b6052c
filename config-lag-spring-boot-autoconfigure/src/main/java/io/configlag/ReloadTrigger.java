package io.configlag;

/**
 * What started a reload.
 *
 * @author The config-lag developers
 */
public enum ReloadTrigger {

	/**
	 * A file system event.
	 */
	WATCH,

	/**
	 * A periodic poll that found changed file metadata.
	 */
	POLL,

	/**
	 * An explicit request, for example through the {@code configreload} endpoint.
	 */
	MANUAL

}
