package io.configlag.reload;

import java.util.Set;

import org.springframework.boot.context.properties.bind.Binder;

/**
 * Takes a new version to a part of the application beyond the {@code Environment} and the
 * {@code @ConfigurationProperties} beans, such as the logging system, Spring Cloud's
 * refresh scope, a connection pool's credentials or an SSL bundle, and says which keys it
 * put into effect.
 * <p>
 * A reload calls {@link #validate} on every applier before the new version replaces the
 * current one (an exception rejects the version, and nothing changes), then
 * {@link #apply} after the new version is in the {@code Environment}. After a rollback it
 * calls {@link #apply} again with the same keys and {@link LiveConsumers#NONE}, so that
 * an applier only has to read the {@code Environment}.
 * <p>
 * A key that no applier and no rebound bean of the application takes is reported as
 * requiring a restart. Register a bean of this type to tell config-lag about a live
 * consumer of your own.
 *
 * @author The config-lag developers
 */
@FunctionalInterface
public interface ReloadApplier {

	/**
	 * Check that the new version of the given keys can be applied, before it replaces the
	 * current one. The default does nothing.
	 * @param keys the keys that the new version adds, changes or removes
	 * @param candidate a binder over the new version and the rest of the
	 * {@code Environment}
	 * @throws RuntimeException to reject the new version; the message must not contain
	 * property values
	 */
	default void validate(Set<String> keys, Binder candidate) {
	}

	/**
	 * Apply the current version of the given keys, as the {@code Environment} now has
	 * them, and record in {@code consumers} the keys that took effect.
	 * @param keys the keys that were added, changed or removed
	 * @param consumers where to record which live consumer took which keys
	 */
	void apply(Set<String> keys, LiveConsumers consumers);

}
