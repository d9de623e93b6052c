package io.configlag.reload;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Records, during one reload, which live consumer took which changed key: a rebound
 * {@code @ConfigurationProperties} bean, Spring Cloud's refresh scope, the logging
 * system, a connection pool's credentials, an SSL bundle or an applier of the
 * application's own. A consumer is named {@code kind:name}, such as
 * {@code bean:appProperties} or {@code ssl-bundle:server}.
 *
 * @author The config-lag developers
 */
public final class LiveConsumers {

	/**
	 * Records nothing: given to appliers when a rollback re-applies the previous version.
	 */
	public static final LiveConsumers NONE = new LiveConsumers(false);

	private final boolean recording;

	private final Map<String, Set<String>> consumersByKey = new TreeMap<>();

	private LiveConsumers(boolean recording) {
		this.recording = recording;
	}

	/**
	 * Create an instance that records.
	 * @return a new instance
	 */
	public static LiveConsumers recording() {
		return new LiveConsumers(true);
	}

	/**
	 * Record that the given consumer took the given keys into effect.
	 * @param consumer the consumer, named {@code kind:name}
	 * @param keys the keys it took
	 */
	public synchronized void took(String consumer, Collection<String> keys) {
		if (!this.recording) {
			return;
		}
		for (String key : keys) {
			this.consumersByKey.computeIfAbsent(key, (k) -> new TreeSet<>()).add(consumer);
		}
	}

	/**
	 * Return whether a consumer took the given key.
	 * @param key the key
	 * @return whether it is live
	 */
	public synchronized boolean isLive(String key) {
		return this.consumersByKey.containsKey(key);
	}

	/**
	 * Return the consumers of every key recorded so far.
	 * @return key to the names of its consumers, sorted
	 */
	public synchronized Map<String, Set<String>> byKey() {
		Map<String, Set<String>> copy = new TreeMap<>();
		this.consumersByKey
			.forEach((key, consumers) -> copy.put(key, Collections.unmodifiableSet(new TreeSet<>(consumers))));
		return Collections.unmodifiableMap(copy);
	}

}
