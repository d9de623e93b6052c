package io.configlag;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * What one reload did. Keys are property names; values are never part of a result.
 *
 * @param trigger what started the reload
 * @param outcome the outcome
 * @param version the version in effect after the reload
 * @param previousVersion the version in effect before the reload
 * @param added the keys that appeared
 * @param changed the keys whose value changed
 * @param removed the keys that disappeared
 * @param notRebound the {@code @ConfigurationProperties} beans affected by the change that
 * cannot be rebound live (constructor binding, records); they keep their values until a
 * restart (see {@code config.lag.strategy})
 * @param restartKeys the changed keys those beans depend on
 * @param startedAt when the reload started
 * @param duration how long the reload took
 * @param writtenAt when the content that was read was written to disk, if known
 * @param lag from {@code writtenAt} to the end of the reload, if known
 * @param error why the reload was rejected, without any property value
 * @author config-lag
 */
public record ConfigReloadResult(ReloadTrigger trigger, ReloadOutcome outcome, String version, String previousVersion,
		Set<String> added, Set<String> changed, Set<String> removed, Set<String> notRebound, Set<String> restartKeys, Instant startedAt,
		Duration duration, @Nullable Instant writtenAt, @Nullable Duration lag, @Nullable String error) {

	public ConfigReloadResult {
		added = sorted(added);
		changed = sorted(changed);
		removed = sorted(removed);
		notRebound = sorted(notRebound);
		restartKeys = sorted(restartKeys);
	}

	private static Set<String> sorted(Set<String> keys) {
		return Collections.unmodifiableSet(new TreeSet<>(keys));
	}

	/**
	 * Return every key that was added, changed or removed, sorted.
	 * @return the keys
	 */
	public Set<String> keys() {
		Set<String> keys = new TreeSet<>(this.added);
		keys.addAll(this.changed);
		keys.addAll(this.removed);
		return keys;
	}

}
