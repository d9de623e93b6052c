package io.configlag.mount;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The keys that differ between two snapshots. Values are compared as strings, so that a
 * config-tree value and a YAML scalar compare by what the application would bind.
 *
 * @param added keys only in the new snapshot
 * @param changed keys in both with different values
 * @param removed keys only in the old snapshot
 * @author The config-lag developers
 */
public record ConfigDiff(Set<String> added, Set<String> changed, Set<String> removed) {

	/**
	 * Compare two snapshots.
	 * @param previous the old snapshot
	 * @param next the new snapshot
	 * @return the keys that differ, in the order of the snapshots
	 */
	public static ConfigDiff between(ConfigSnapshot previous, ConfigSnapshot next) {
		Map<String, Object> before = previous.properties();
		Map<String, Object> after = next.properties();
		Set<String> added = new LinkedHashSet<>();
		Set<String> changed = new LinkedHashSet<>();
		Set<String> removed = new LinkedHashSet<>();
		after.forEach((key, value) -> {
			Object old = before.get(key);
			if (old == null && !before.containsKey(key)) {
				added.add(key);
			}
			else if (old != value && !Objects.equals(ConfigSnapshot.asString(old), ConfigSnapshot.asString(value))) {
				changed.add(key);
			}
		});
		for (String key : before.keySet()) {
			if (!after.containsKey(key)) {
				removed.add(key);
			}
		}
		return new ConfigDiff(added, changed, removed);
	}

	/**
	 * Tell whether no key differs.
	 * @return whether the snapshots hold the same values
	 */
	public boolean isEmpty() {
		return this.added.isEmpty() && this.changed.isEmpty() && this.removed.isEmpty();
	}

	/**
	 * Return every key that differs: added, changed, then removed.
	 * @return the keys
	 */
	public Set<String> keys() {
		Set<String> keys = new LinkedHashSet<>(this.added);
		keys.addAll(this.changed);
		keys.addAll(this.removed);
		return keys;
	}

}
