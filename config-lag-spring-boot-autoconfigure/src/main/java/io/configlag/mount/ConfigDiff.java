package io.configlag.mount;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The keys that differ between two snapshots. Values are compared as strings, so that a
 * config-tree value and a YAML scalar compare by what the application would bind; string
 * values are compared where the snapshots hold them, without creating them.
 *
 * @param added keys only in the new snapshot
 * @param changed keys in both with different values
 * @param removed keys only in the old snapshot
 */
public record ConfigDiff(Set<String> added, Set<String> changed, Set<String> removed) {

	public static ConfigDiff between(ConfigSnapshot previous, ConfigSnapshot next) {
		CompactProperties before = previous.properties();
		CompactProperties after = next.properties();
		Set<String> added = new LinkedHashSet<>();
		Set<String> changed = new LinkedHashSet<>();
		Set<String> removed = new LinkedHashSet<>();
		for (int index = 0; index < after.size(); index++) {
			String key = after.keyAt(index);
			int previousIndex = before.indexOf(key);
			if (previousIndex < 0) {
				added.add(key);
			}
			else if (!before.sameString(previousIndex, after, index)) {
				changed.add(key);
			}
		}
		for (int index = 0; index < before.size(); index++) {
			String key = before.keyAt(index);
			if (after.indexOf(key) < 0) {
				removed.add(key);
			}
		}
		return new ConfigDiff(added, changed, removed);
	}

	public boolean isEmpty() {
		return this.added.isEmpty() && this.changed.isEmpty() && this.removed.isEmpty();
	}

	public Set<String> keys() {
		Set<String> keys = new LinkedHashSet<>(this.added);
		keys.addAll(this.changed);
		keys.addAll(this.removed);
		return keys;
	}

}
