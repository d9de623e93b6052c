package io.configlag;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.core.style.ToStringCreator;
import org.springframework.util.Assert;

/**
 * What one reload did. Keys are property names; values are never part of a result.
 * <p>
 * A result is built with {@link #builder(ReloadTrigger, Instant)} and one of the
 * {@link Builder#applied applied}, {@link Builder#restartRequired(Duration) restart
 * required}, {@link Builder#unchanged unchanged}, {@link Builder#rejected rejected} or
 * {@link Builder#rolledBack rolled back} methods that end it.
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

	private ConfigReloadResult(Builder builder, ReloadOutcome outcome, Duration duration, @Nullable String error) {
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
	public static Builder builder(ReloadTrigger trigger, Instant startedAt) {
		return new Builder(trigger, startedAt);
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

	/**
	 * Builds a {@link ConfigReloadResult}.
	 */
	public static final class Builder {

		private final ReloadTrigger trigger;

		private final Instant startedAt;

		private String previousVersion = "none";

		private String version = "none";

		private Set<String> added = Set.of();

		private Set<String> changed = Set.of();

		private Set<String> removed = Set.of();

		private Set<String> notRebound = Set.of();

		private Set<String> restartKeys = Set.of();

		private Map<String, Set<String>> consumers = Map.of();

		private @Nullable Instant writtenAt;

		private @Nullable Instant publishedAt;

		private @Nullable String verification;

		private Builder(ReloadTrigger trigger, Instant startedAt) {
			this.trigger = trigger;
			this.startedAt = startedAt;
		}

		/**
		 * Set the version in effect before the reload and the version read.
		 * @param previous the version before
		 * @param read the version read (in effect after the reload unless it is rejected)
		 * @return this builder
		 */
		public Builder versions(String previous, String read) {
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
		public Builder keys(Set<String> added, Set<String> changed, Set<String> removed) {
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
		public Builder restartRequired(Set<String> beans, Set<String> keys) {
			this.notRebound = sorted(beans);
			this.restartKeys = sorted(keys);
			return this;
		}

		/**
		 * Set the live consumers that took the changed keys.
		 * @param consumers key to the names of its consumers
		 * @return this builder
		 */
		public Builder consumers(Map<String, Set<String>> consumers) {
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
		public Builder times(@Nullable Instant writtenAt, @Nullable Instant publishedAt) {
			this.writtenAt = writtenAt;
			this.publishedAt = publishedAt;
			return this;
		}

		/**
		 * Set what the rollout verifies after the version read is applied, or why there
		 * is nothing to verify.
		 * @param verification the verification, or {@code null} when verification is off
		 * @return this builder
		 */
		public Builder verification(@Nullable String verification) {
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
		 * End with the version read in the {@code Environment} but none of its changes
		 * taken by a live consumer: they take effect after a restart.
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
		 * {@code UP} after the previous version was applied, so the version before it is
		 * in effect again. The versions are the rolled-back one (previous) and the one in
		 * effect again (read).
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

}
