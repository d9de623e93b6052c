package io.configlag.reload;

import java.util.Set;

/**
 * Takes a new version to a part of the application beyond the {@code Environment} and the
 * {@code @ConfigurationProperties} beans, such as the logging system or Spring Cloud's
 * refresh scope. A reload calls every applier after the new version is in the
 * {@code Environment}, and again with the same keys after a rollback, so that an applier
 * only has to read the {@code Environment}.
 *
 * @author The config-lag developers
 */
@FunctionalInterface
public interface ReloadApplier {

	/**
	 * Apply the current version of the given keys.
	 * @param keys the keys that were added, changed or removed
	 */
	void apply(Set<String> keys);

}
