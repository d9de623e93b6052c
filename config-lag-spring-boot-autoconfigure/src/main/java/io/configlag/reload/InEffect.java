package io.configlag.reload;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, once a version is applied, which of its changed keys are in effect and which
 * take effect only after a restart, from the live consumers the reload recorded.
 * <p>
 * A key is restart-required when {@link RestartKeys} says so (a start-up key, or no live
 * consumer took it), when it belongs to a bean that cannot be rebound and no applier took
 * it (an applier takes a connection pool's credentials), or when beans keep an old value
 * of it ({@code @Value} singletons, direct consumers of constructor-bound beans). A key
 * that other keys refer to through {@code ${...}} placeholders is live when one of them
 * is. {@value ConfigReloader#PUBLISHED_AT} is config-lag's metadata and never counts.
 *
 * @author The config-lag developers
 */
final class InEffect {

	private final RestartKeys restartKeys;

	InEffect(RestartKeys restartKeys) {
		this.restartKeys = restartKeys;
	}

	/**
	 * Decide what of an applied version is in effect.
	 * @param keys the changed keys, with those that refer to them
	 * @param referencedBy for a key, the keys that refer to it through placeholders
	 * @param prepared the rebinding of the version
	 * @param consumers the consumers that the appliers recorded; completed here
	 * @return the decision
	 */
	Decision decide(Set<String> keys, Map<String, Set<String>> referencedBy, PreparedRebind prepared,
			LiveConsumers consumers) {
		Set<String> takenByAppliers = consumers.byKey().keySet();
		prepared.recordLiveConsumers(consumers);
		this.restartKeys.recordDeclaredLive(keys, consumers);
		recordReferencedKeys(referencedBy, consumers);
		Set<String> changed = withoutMetadata(keys);
		Set<String> restart = new TreeSet<>(this.restartKeys.requiringRestart(changed, consumers));
		for (String key : prepared.notRebindableKeys()) {
			if (!takenByAppliers.contains(key)) {
				restart.add(key);
			}
		}
		restart.addAll(prepared.heldKeys());
		boolean noneInEffect = !changed.isEmpty()
				&& changed.stream().noneMatch((key) -> consumers.isLive(key) && !this.restartKeys.isStartupKey(key));
		return new Decision(consumers.byKey(), restart, prepared.notRebound(takenByAppliers), noneInEffect);
	}

	private static void recordReferencedKeys(Map<String, Set<String>> referencedBy, LiveConsumers consumers) {
		boolean found = true;
		while (found) {
			found = false;
			for (Map.Entry<String, Set<String>> entry : referencedBy.entrySet()) {
				if (!consumers.isLive(entry.getKey())) {
					for (String referencing : entry.getValue()) {
						if (consumers.isLive(referencing)) {
							consumers.took("placeholder:" + referencing, Set.of(entry.getKey()));
							found = true;
							break;
						}
					}
				}
			}
		}
	}

	private static Set<String> withoutMetadata(Set<String> keys) {
		if (!keys.contains(ConfigReloader.PUBLISHED_AT)) {
			return keys;
		}
		Set<String> withoutMetadata = new TreeSet<>(keys);
		withoutMetadata.remove(ConfigReloader.PUBLISHED_AT);
		return withoutMetadata;
	}

	/**
	 * What of an applied version is in effect.
	 *
	 * @param consumers for each key a live consumer took, its consumers
	 * @param restartKeys the keys that take effect only after a restart
	 * @param notRebound the beans that keep old values
	 * @param noneInEffect whether none of the changed keys is in effect
	 */
	record Decision(Map<String, Set<String>> consumers, Set<String> restartKeys, Set<String> notRebound,
			boolean noneInEffect) {

	}

}
