package io.configlag;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Builds a {@link ConfigReloadResult}: start with
 * {@link ConfigReloadResult#builder(ReloadTrigger, Instant)} and end with one of the
 * methods that return the result.
 *
 * @author The config-lag developers
 */
public final class ConfigReloadResultBuilder {

	final ReloadTrigger trigger;

	final Instant startedAt;

	String previousVersion = "none";

	String version = "none";

	Set<String> added = Set.of();

	Set<String> changed = Set.of();

	Set<String> removed = Set.of();

	Set<String> notRebound = Set.of();

	Set<String> restartKeys = Set.of();

	Map<String, Set<String>> consumers = Map.of();

	@Nullable Instant writtenAt;

	@Nullable Instant publishedAt;

	@Nullable String verification;

	ConfigReloadResultBuilder(ReloadTrigger trigger, Instant startedAt) {
		this.trigger = trigger;
		this.startedAt = startedAt;
	}

	/**
	 * Set the version in effect before the reload and the version read.
	 * @param previous the version before
	 * @param read the version read (in effect after the reload unless it is rejected)
	 * @return this builder
	 */
	public ConfigReloadResultBuilder versions(String previous, String read) {
		this.previousVersion = previous;
		this.version = read;
		return this;
	}

	/**
	 * Set the keys that the version read adds, changes and removes.
	 * @param added the added keys
	 * @param changed the changed keys
	 * @param removed the removed keys
	 * @return this builder
	 */
	public ConfigReloadResultBuilder keys(Set<String> added, Set<String> changed, Set<String> removed) {
		this.added = sorted(added);
		this.changed = sorted(changed);
		this.removed = sorted(removed);
		return this;
	}

	/**
	 * Set the beans that cannot take the change live and the keys that therefore take
	 * effect only after a restart.
	 * @param beans the bean names
	 * @param keys the keys
	 * @return this builder
	 */
	public ConfigReloadResultBuilder restartRequired(Set<String> beans, Set<String> keys) {
		this.notRebound = sorted(beans);
		this.restartKeys = sorted(keys);
		return this;
	}

	/**
	 * Set the live consumers that took the changed keys.
	 * @param consumers key to the names of its consumers
	 * @return this builder
	 */
	public ConfigReloadResultBuilder consumers(Map<String, Set<String>> consumers) {
		Map<String, Set<String>> sorted = new TreeMap<>();
		consumers.forEach((key, names) -> sorted.put(key, sorted(names)));
		this.consumers = Collections.unmodifiableMap(sorted);
		return this;
	}

	/**
	 * Set when the content read was written to disk and when it was published.
	 * @param writtenAt the write time, if known
	 * @param publishedAt the publication time, if known
	 * @return this builder
	 */
	public ConfigReloadResultBuilder times(@Nullable Instant writtenAt, @Nullable Instant publishedAt) {
		this.writtenAt = writtenAt;
		this.publishedAt = publishedAt;
		return this;
	}

	/**
	 * Set what the rollout verifies after the version read is applied, or why there is
	 * nothing to verify.
	 * @param verification the verification, or {@code null} when verification is off
	 * @return this builder
	 */
	public ConfigReloadResultBuilder verification(@Nullable String verification) {
		this.verification = verification;
		return this;
	}

	/**
	 * End with the version read applied.
	 * @param duration how long the reload took
	 * @return the result
	 */
	public ConfigReloadResult applied(Duration duration) {
		return new ConfigReloadResult(this, ReloadOutcome.APPLIED, duration, null);
	}

	/**
	 * End with the version read in the {@code Environment} but none of its changes taken
	 * by a live consumer: they take effect after a restart.
	 * @param duration how long the reload took
	 * @return the result
	 */
	public ConfigReloadResult restartRequired(Duration duration) {
		return new ConfigReloadResult(this, ReloadOutcome.RESTART_REQUIRED, duration, null);
	}

	/**
	 * End with nothing to apply: the version read has no property changes.
	 * @param duration how long the reload took
	 * @return the result
	 */
	public ConfigReloadResult unchanged(Duration duration) {
		return new ConfigReloadResult(this, ReloadOutcome.UNCHANGED, duration, null);
	}

	/**
	 * End with the version read rejected: the previous version stays in effect.
	 * @param error why, without any property value
	 * @param duration how long the reload took
	 * @return the result
	 */
	public ConfigReloadResult rejected(String error, Duration duration) {
		Assert.hasText(error, "'error' must not be empty");
		return new ConfigReloadResult(this, ReloadOutcome.REJECTED, duration, error);
	}

	/**
	 * End with the version read applied as a roll-back: the application's health left
	 * {@code UP} after the previous version was applied, so the version before it is in
	 * effect again. The versions are the rolled-back one (previous) and the one in effect
	 * again (read).
	 * @param reason why, naming the health contributors that went down, without any
	 * property value
	 * @param duration how long the roll-back took
	 * @return the result
	 */
	public ConfigReloadResult rolledBack(String reason, Duration duration) {
		Assert.hasText(reason, "'reason' must not be empty");
		return new ConfigReloadResult(this, ReloadOutcome.ROLLED_BACK, duration, reason);
	}

	private static Set<String> sorted(Set<String> keys) {
		return Collections.unmodifiableSet(new TreeSet<>(keys));
	}

}
