package io.configlag.reload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadResultBuilder;
import io.configlag.ConfigReloadedEvent;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.mount.ConfigDiff;
import io.configlag.mount.ConfigLoadException;
import io.configlag.mount.ConfigSnapshot;
import io.configlag.mount.MountedConfigPropertySource;
import io.configlag.mount.MountedConfigReader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;

/**
 * Reads the watched paths and, when their properties changed, applies the new version:
 * binds and validates the affected {@code @ConfigurationProperties} beans against the new
 * version first, then swaps the property source, moves the new state into the beans,
 * hands the changed keys to every {@link ReloadApplier} ({@code logging.level.*}, Spring
 * Cloud's refresh scope) and publishes a {@link ConfigReloadedEvent}. Anything that fails
 * before the swap rejects the version; anything that fails after it rolls everything
 * back. Reloads are serialised.
 *
 * @author The config-lag developers
 */
public final class ConfigReloader {

	private static final Log logger = LogFactory.getLog(ConfigReloader.class);

	/**
	 * The key that a deployment pipeline can write into the configuration: the ISO-8601
	 * instant at which it published the version.
	 */
	static final String PUBLISHED_AT = "config.lag.published-at";

	private final ConfigurableEnvironment environment;

	private final MountedConfigReader reader;

	private final PropertiesBeanRebinder rebinder;

	private final List<ReloadApplier> appliers;

	private final ApplicationEventPublisher publisher;

	private final ReloadExecution execution;

	private final ReloadConsistency consistency;

	private final PlaceholderReferences placeholders = new PlaceholderReferences();

	private final CandidateSources candidates;

	private final InEffect inEffect;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<ReloadOutcome, AtomicLong> counts = new EnumMap<>(ReloadOutcome.class);

	private volatile @Nullable ConfigReloadResult lastReload;

	private volatile @Nullable ConfigReloadResult lastSuccess;

	private volatile Set<String> restartKeysSinceStart = Set.of();

	private @Nullable String lastLoggedError;

	public ConfigReloader(ConfigurableEnvironment environment, MountedConfigReader reader,
			PropertiesBeanRebinder rebinder, List<ReloadApplier> appliers, ApplicationEventPublisher publisher,
			ReloadExecution execution, ReloadConsistency consistency, RestartKeys restartKeys, Clock clock) {
		this.environment = environment;
		this.reader = reader;
		this.rebinder = rebinder;
		this.appliers = List.copyOf(appliers);
		this.publisher = publisher;
		this.execution = execution;
		this.consistency = consistency;
		this.inEffect = new InEffect(restartKeys);
		this.clock = clock;
		this.candidates = new CandidateSources(environment);
		for (ReloadOutcome outcome : ReloadOutcome.values()) {
			this.counts.put(outcome, new AtomicLong());
		}
	}

	/**
	 * Read the watched paths and apply what changed. Never throws: a failure is reported
	 * in the result.
	 * @param trigger what started the reload
	 * @return the result
	 */
	public ConfigReloadResult reload(ReloadTrigger trigger) {
		return serialized(() -> this.execution.execute(trigger, () -> doReload(trigger, null, null, null)));
	}

	/**
	 * Apply a snapshot that the caller read from the watched paths (the rollout, which
	 * decides when a version it read is applied), exactly as {@link #reload} applies what
	 * it reads. Call it within {@link #serialized} together with the read.
	 * @param trigger what started the reload
	 * @param next the snapshot read, or {@code null} to read the watched paths now
	 * @param verification what is verified after the apply, for the result, or
	 * {@code null}
	 * @return the result
	 */
	public ConfigReloadResult reload(ReloadTrigger trigger, @Nullable ConfigSnapshot next,
			@Nullable String verification) {
		return serialized(() -> this.execution.execute(trigger, () -> doReload(trigger, next, verification, null)));
	}

	/**
	 * Roll back to a previous snapshot with the machinery of any reload (beans,
	 * {@code Environment}, appliers), reporting the result as
	 * {@link ReloadOutcome#ROLLED_BACK rolled back} unless the previous snapshot is
	 * rejected.
	 * @param trigger the trigger of the reload that applied the version rolled back
	 * @param to the snapshot to put back into effect
	 * @param reason why, naming the health contributors that went down
	 * @return the result
	 */
	public ConfigReloadResult rollBack(ReloadTrigger trigger, ConfigSnapshot to, String reason) {
		return serialized(() -> this.execution.execute(trigger, () -> doReload(trigger, to, null, reason)));
	}

	/**
	 * Run the given action while no reload runs (reloads within it run as usual), so that
	 * reading the watched paths and applying what was read are not interleaved with
	 * another reload.
	 * @param <T> the type of the action's result
	 * @param action the action
	 * @return its result
	 */
	public <T> T serialized(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the snapshot currently in the {@code Environment}.
	 * @return the current snapshot
	 */
	public ConfigSnapshot current() {
		MountedConfigPropertySource source = MountedConfigPropertySource.get(this.environment);
		return (source != null) ? source.getSnapshot() : ConfigSnapshot.EMPTY;
	}

	public MountedConfigReader getReader() {
		return this.reader;
	}

	PropertiesBeanRebinder getRebinder() {
		return this.rebinder;
	}

	public @Nullable ConfigReloadResult getLastReload() {
		return this.lastReload;
	}

	public @Nullable ConfigReloadResult getLastSuccess() {
		return this.lastSuccess;
	}

	/**
	 * Return the keys changed since the application started that take effect only after a
	 * restart.
	 * @return the keys, sorted
	 */
	public Set<String> getRestartKeys() {
		return this.restartKeysSinceStart;
	}

	public long getCount(ReloadOutcome outcome) {
		return this.counts.get(outcome).get();
	}

	private ConfigReloadResult doReload(ReloadTrigger trigger, @Nullable ConfigSnapshot given,
			@Nullable String verification, @Nullable String rollBackReason) {
		Instant startedAt = this.clock.instant();
		long start = System.nanoTime();
		ConfigSnapshot previous = current();
		ConfigSnapshot next;
		try {
			next = (given != null) ? given : this.reader.read();
		}
		catch (RuntimeException ex) {
			return rejected(trigger, previous, startedAt, start, ex, null, null);
		}
		ConfigLoadException vanished = next.vanishedFrom(previous);
		if (vanished != null) {
			return rejected(trigger, previous, startedAt, start, vanished, next, null);
		}
		ConfigReloadResultBuilder result = ConfigReloadResult.builder(trigger, startedAt)
			.versions(previous.version(), next.version());
		if (next.version().equals(previous.version())) {
			return finish(result.unchanged(since(start)));
		}
		ConfigDiff diff = ConfigDiff.between(previous, next);
		MountedConfigPropertySource live = Objects.requireNonNull(MountedConfigPropertySource.get(this.environment));
		if (diff.isEmpty()) {
			this.consistency.exclusively(() -> live.publish(next));
			return finish(result.unchanged(since(start)));
		}
		MutablePropertySources candidate = this.candidates.of(next);
		PreparedRebind prepared;
		Set<String> keys;
		Map<String, Set<String>> referencedBy = new LinkedHashMap<>();
		try {
			keys = this.placeholders.expand(diff.keys(), candidate, referencedBy);
			prepared = this.rebinder.prepare(keys, candidate);
			validateInAppliers(keys, candidate);
		}
		catch (RuntimeException ex) {
			return rejected(trigger, previous, startedAt, start, ex, next, diff);
		}
		AtomicReference<MountedConfigPropertySource.@Nullable Published> replaced = new AtomicReference<>();
		LiveConsumers consumers = LiveConsumers.recording();
		try {
			this.consistency.exclusively(() -> {
				replaced.set(live.publish(next));
				prepared.apply();
			});
			applyToContext(keys, consumers);
		}
		catch (RuntimeException ex) {
			rollback(live, replaced.get(), prepared, keys);
			return rejected(trigger, previous, startedAt, start, ex, next, diff);
		}
		InEffect.Decision decision = this.inEffect.decide(keys, referencedBy, prepared, consumers);
		result.keys(diff.added(), diff.changed(), diff.removed())
			.consumers(decision.consumers())
			.restartRequired(decision.notRebound(), decision.restartKeys())
			.times(next.lastWritten(), diff.keys().contains(PUBLISHED_AT) ? publishedAt(next) : null);
		if (rollBackReason != null) {
			return finish(result.rolledBack(rollBackReason, since(start)));
		}
		result.verification(verification);
		return finish(decision.noneInEffect() ? result.restartRequired(since(start)) : result.applied(since(start)));
	}

	private void validateInAppliers(Set<String> keys, MutablePropertySources candidate) {
		Binder binder = null;
		for (ReloadApplier applier : this.appliers) {
			binder = (binder != null) ? binder : this.rebinder.binderFor(candidate);
			applier.validate(keys, binder);
		}
	}

	private void applyToContext(Set<String> keys, LiveConsumers consumers) {
		for (ReloadApplier applier : this.appliers) {
			applier.apply(keys, consumers);
		}
	}

	private void rollback(MountedConfigPropertySource live, MountedConfigPropertySource.@Nullable Published replaced,
			PreparedRebind prepared, Set<String> keys) {
		try {
			this.consistency.exclusively(() -> {
				if (replaced != null) {
					live.restore(replaced);
				}
				prepared.rollback();
			});
			applyToContext(keys, LiveConsumers.NONE);
		}
		catch (RuntimeException ex) {
			String version = (replaced != null) ? replaced.snapshot().version() : live.getSnapshot().version();
			logger.error("Failed to roll back to config version " + version, ex);
		}
	}

	private ConfigReloadResult rejected(ReloadTrigger trigger, ConfigSnapshot previous, Instant startedAt, long start,
			Throwable ex, @Nullable ConfigSnapshot candidate, @Nullable ConfigDiff diff) {
		String error = RejectionMessages.describe(ex);
		// Logged again for another candidate with the same error (a bad Secret that stays
		// while a ConfigMap changes), only at DEBUG for the same candidate
		String logged = error + ((candidate != null) ? " (candidate " + candidate.version() + ")" : "");
		ConfigReloadResultBuilder builder = ConfigReloadResult.builder(trigger, startedAt)
			.versions(previous.version(), previous.version());
		if (diff != null) {
			builder.keys(diff.added(), diff.changed(), diff.removed());
		}
		ConfigReloadResult result = builder.rejected(error, since(start));
		if (!logged.equals(this.lastLoggedError)) {
			this.lastLoggedError = logged;
			logger.warn("Config update rejected, keeping version " + previous.version() + ": " + error);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Config update rejected again, keeping version " + previous.version() + ": " + error);
		}
		return finish(result);
	}

	private ConfigReloadResult finish(ConfigReloadResult result) {
		this.counts.get(result.outcome()).incrementAndGet();
		this.lastReload = result;
		if (result.outcome() == ReloadOutcome.APPLIED || result.outcome() == ReloadOutcome.RESTART_REQUIRED) {
			this.lastSuccess = result;
			this.lastLoggedError = null;
			ReloadLog.inEnvironment(result);
			if (!result.restartKeys().isEmpty()) {
				Set<String> sinceStart = new TreeSet<>(this.restartKeysSinceStart);
				sinceStart.addAll(result.restartKeys());
				this.restartKeysSinceStart = Collections.unmodifiableSet(sinceStart);
			}
		}
		else if (result.outcome() == ReloadOutcome.UNCHANGED && logger.isDebugEnabled()) {
			logger.debug("Config unchanged (version " + result.version() + ", trigger " + result.trigger() + ")");
		}
		try {
			this.publisher.publishEvent(new ConfigReloadedEvent(result));
		}
		catch (RuntimeException ex) {
			logger.error("A ConfigReloadedEvent listener failed", ex);
		}
		return result;
	}

	/*
	 * Return the instant that a deployment pipeline wrote into the version as {@value
	 * #PUBLISHED_AT}, so that the lag from publication to application can be measured
	 * (only when the instant changed: a version that keeps it was not published then). A
	 * value that is not an ISO-8601 instant is ignored with a warning.
	 */
	private static @Nullable Instant publishedAt(ConfigSnapshot snapshot) {
		String value = snapshot.getString(PUBLISHED_AT);
		if (value == null) {
			return null;
		}
		try {
			return Instant.parse(value.trim());
		}
		catch (DateTimeParseException ex) {
			logger.warn("Ignoring '" + PUBLISHED_AT + "' of version " + snapshot.version()
					+ ": it is not an ISO-8601 instant such as 2026-11-24T13:19:54Z");
			return null;
		}
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
