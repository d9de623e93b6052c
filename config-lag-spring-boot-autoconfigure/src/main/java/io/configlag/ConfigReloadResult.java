package io.configlag;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.core.style.ToStringCreator;

/**
 * What one reload did. Keys are property names; values are never part of a result.
 * <p>
 * A result is built with {@link #builder(ReloadTrigger, Instant)} and one of the
 * {@link ConfigReloadResultBuilder#applied applied},
 * {@link ConfigReloadResultBuilder#restartRequired(Duration) restart required},
 * {@link ConfigReloadResultBuilder#unchanged unchanged},
 * {@link ConfigReloadResultBuilder#rejected rejected} or
 * {@link ConfigReloadResultBuilder#rolledBack rolled back} methods that end it.
 *
 * @author The config-lag developers
 */
public final class ConfigReloadResult {

	private final ReloadTrigger trigger;

	private final ReloadOutcome outcome;

	private final String version;

	private final String previousVersion;

	private final Set<String> added;

	private final Set<String> changed;

	private final Set<String> removed;

	private final Set<String> notRebound;

	private final Set<String> restartKeys;

	private final Map<String, Set<String>> consumers;

	private final Instant startedAt;

	private final Duration duration;

	private final @Nullable Instant writtenAt;

	private final @Nullable Instant publishedAt;

	private final @Nullable String error;

	private final @Nullable String verification;

	ConfigReloadResult(ConfigReloadResultBuilder builder, ReloadOutcome outcome, Duration duration,
			@Nullable String error) {
		this.trigger = builder.trigger;
		this.outcome = outcome;
		this.version = (outcome != ReloadOutcome.REJECTED) ? builder.version : builder.previousVersion;
		this.previousVersion = builder.previousVersion;
		this.added = builder.added;
		this.changed = builder.changed;
		this.removed = builder.removed;
		boolean inEnvironment = outcome == ReloadOutcome.APPLIED || outcome == ReloadOutcome.RESTART_REQUIRED;
		this.notRebound = inEnvironment ? builder.notRebound : Set.of();
		this.restartKeys = inEnvironment ? builder.restartKeys : Set.of();
		this.consumers = inEnvironment ? builder.consumers : Map.of();
		this.startedAt = builder.startedAt;
		this.duration = duration;
		this.writtenAt = inEnvironment ? builder.writtenAt : null;
		this.publishedAt = inEnvironment ? builder.publishedAt : null;
		this.error = error;
		this.verification = inEnvironment ? builder.verification : null;
	}

	/**
	 * Start a result.
	 * @param trigger what started the reload
	 * @param startedAt when it started
	 * @return a builder
	 */
	public static ConfigReloadResultBuilder builder(ReloadTrigger trigger, Instant startedAt) {
		return new ConfigReloadResultBuilder(trigger, startedAt);
	}

	/**
	 * Return what started the reload.
	 * @return the trigger
	 */
	public ReloadTrigger trigger() {
		return this.trigger;
	}

	/**
	 * Return the outcome.
	 * @return the outcome
	 */
	public ReloadOutcome outcome() {
		return this.outcome;
	}

	/**
	 * Return the version in effect after the reload.
	 * @return the version
	 */
	public String version() {
		return this.version;
	}

	/**
	 * Return the version in effect before the reload.
	 * @return the previous version
	 */
	public String previousVersion() {
		return this.previousVersion;
	}

	/**
	 * Return the keys that appeared (or would have, for a rejected reload), sorted.
	 * @return the added keys
	 */
	public Set<String> added() {
		return this.added;
	}

	/**
	 * Return the keys whose value changed (or would have), sorted.
	 * @return the changed keys
	 */
	public Set<String> changed() {
		return this.changed;
	}

	/**
	 * Return the keys that disappeared (or would have), sorted.
	 * @return the removed keys
	 */
	public Set<String> removed() {
		return this.removed;
	}

	/**
	 * Return every key that was added, changed or removed, sorted.
	 * @return the keys
	 */
	public Set<String> keys() {
		Set<String> keys = new TreeSet<>(this.added);
		keys.addAll(this.changed);
		keys.addAll(this.removed);
		return Collections.unmodifiableSet(keys);
	}

	/**
	 * Return the beans affected by an applied change that cannot take it live (for
	 * example a singleton that had a constructor-bound {@code @ConfigurationProperties}
	 * bean injected directly, or a live resource such as a connection pool); they keep
	 * their values until a restart.
	 * @return the bean names, sorted
	 */
	public Set<String> notRebound() {
		return this.notRebound;
	}

	/**
	 * Return the changed keys that take effect only after a restart (see
	 * {@code config.lag.strategy}): keys that Spring reads at start-up, keys that no live
	 * consumer took, and keys of beans that cannot be rebound.
	 * @return the keys, sorted
	 */
	public Set<String> restartKeys() {
		return this.restartKeys;
	}

	/**
	 * Return, for each changed key that a live consumer took, the consumers that took it,
	 * named {@code kind:name} (such as {@code bean:appProperties}, {@code refresh-scope},
	 * {@code logging}, {@code datasource:dataSource} or {@code ssl-bundle:server}).
	 * @return key to consumer names, sorted
	 */
	public Map<String, Set<String>> consumers() {
		return this.consumers;
	}

	/**
	 * Return when the reload started.
	 * @return the start time
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * Return how long the reload took.
	 * @return the duration
	 */
	public Duration duration() {
		return this.duration;
	}

	/**
	 * Return when the applied content was written to disk (the kubelet's swap of a
	 * volume), if known.
	 * @return the write time, or {@code null}
	 */
	public @Nullable Instant writtenAt() {
		return this.writtenAt;
	}

	/**
	 * Return when the applied version was published, as written by a deployment pipeline
	 * into {@code config.lag.published-at}, if it was.
	 * @return the publication time, or {@code null}
	 */
	public @Nullable Instant publishedAt() {
		return this.publishedAt;
	}

	/**
	 * Return the time from {@link #writtenAt()} to the end of the reload.
	 * @return the lag, or {@code null} if the write time is not known
	 */
	public @Nullable Duration lag() {
		return since(this.writtenAt);
	}

	/**
	 * Return the time from {@link #publishedAt()} to the end of the reload.
	 * @return the lag, or {@code null} if the publication time is not known
	 */
	public @Nullable Duration publishLag() {
		return since(this.publishedAt);
	}

	/**
	 * Return when the reload ended.
	 * @return the end time
	 */
	public Instant endedAt() {
		return this.startedAt.plus(this.duration);
	}

	/**
	 * Return why the reload was rejected or rolled back, without any property value.
	 * @return the error, or {@code null} unless rejected or rolled back
	 */
	public @Nullable String error() {
		return this.error;
	}

	/**
	 * Return what the rollout verifies after this version was applied
	 * ({@code config.lag.rollout.verify-for}): the health watched and for how long, or
	 * why there is nothing to verify (health was not {@code UP} before the apply).
	 * @return the verification, or {@code null} when verification is off or nothing was
	 * applied
	 */
	public @Nullable String verification() {
		return this.verification;
	}

	private @Nullable Duration since(@Nullable Instant time) {
		if (time == null) {
			return null;
		}
		Duration lag = Duration.between(time, endedAt());
		return lag.isNegative() ? Duration.ZERO : lag;
	}

	@Override
	public String toString() {
		return new ToStringCreator(this).append("trigger", this.trigger)
			.append("outcome", this.outcome)
			.append("version", this.version)
			.append("previousVersion", this.previousVersion)
			.append("added", this.added)
			.append("changed", this.changed)
			.append("removed", this.removed)
			.append("restartKeys", this.restartKeys)
			.append("consumers", this.consumers)
			.append("duration", this.duration)
			.append("error", this.error)
			.append("verification", this.verification)
			.toString();
	}

}
