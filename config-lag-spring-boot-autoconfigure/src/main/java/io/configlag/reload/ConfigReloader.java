package io.configlag.reload;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadedEvent;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.mount.ConfigDiff;
import io.configlag.mount.ConfigLoadException;
import io.configlag.mount.ConfigSnapshot;
import io.configlag.mount.MountedConfigPropertySource;
import io.configlag.mount.MountedConfigReader;
import io.configlag.mount.WatchedPath;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;

/**
 * Reads the watched paths and, when their properties changed, applies the new version:
 * binds and validates the affected {@code @ConfigurationProperties} beans against the new
 * version first, then swaps the property source, moves the new state into the beans,
 * applies {@code logging.level.*}, refreshes the {@code @RefreshScope} and publishes an
 * {@link EnvironmentChangeEvent} and a {@link ConfigReloadedEvent}. Anything that fails
 * before the swap rejects the version; anything that fails after it rolls everything back.
 * Reloads are serialised.
 *
 * @author config-lag
 */
public final class ConfigReloader {

	private static final Log logger = LogFactory.getLog(ConfigReloader.class);

	private static final int MAX_LOGGED_KEYS = 20;

	private final ConfigurableEnvironment environment;

	private final MountedConfigReader reader;

	private final PropertiesBeanRebinder rebinder;

	private final LoggingLevelUpdater loggingLevels;

	private final ObjectProvider<RefreshScope> refreshScope;

	private final ApplicationEventPublisher publisher;

	private final ReloadExecution execution;

	private final ReloadConsistency consistency;

	private final PlaceholderReferences placeholders = new PlaceholderReferences();

	private final CandidateSources candidates;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<ReloadOutcome, AtomicLong> counts = new EnumMap<>(ReloadOutcome.class);

	private volatile @Nullable ConfigReloadResult lastReload;

	private volatile @Nullable ConfigReloadResult lastSuccess;

	private @Nullable String lastLoggedError;

	private volatile @Nullable RefreshScope resolvedRefreshScope;

	public ConfigReloader(ConfigurableEnvironment environment, MountedConfigReader reader, PropertiesBeanRebinder rebinder,
			LoggingLevelUpdater loggingLevels, ObjectProvider<RefreshScope> refreshScope,
			ApplicationEventPublisher publisher, ReloadExecution execution, ReloadConsistency consistency,
			Clock clock) {
		this.environment = environment;
		this.reader = reader;
		this.rebinder = rebinder;
		this.loggingLevels = loggingLevels;
		this.refreshScope = refreshScope;
		this.publisher = publisher;
		this.execution = execution;
		this.consistency = consistency;
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
		this.lock.lock();
		try {
			return this.execution.execute(trigger, () -> doReload(trigger));
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

	public long getCount(ReloadOutcome outcome) {
		return this.counts.get(outcome).get();
	}

	private ConfigReloadResult doReload(ReloadTrigger trigger) {
		Instant startedAt = this.clock.instant();
		long start = System.nanoTime();
		ConfigSnapshot previous = current();
		ConfigSnapshot next;
		try {
			next = this.reader.read();
		}
		catch (RuntimeException ex) {
			return rejected(trigger, previous, startedAt, start, ex, null);
		}
		ConfigLoadException vanished = vanishedContent(previous, next);
		if (vanished != null) {
			return rejected(trigger, previous, startedAt, start, vanished, null);
		}
		if (next.version().equals(previous.version())) {
			return finish(new ConfigReloadResult(trigger, ReloadOutcome.UNCHANGED, previous.version(),
					previous.version(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), startedAt, since(start),
					previous.lastWritten(), null, null));
		}
		ConfigDiff diff = ConfigDiff.between(previous, next);
		MountedConfigPropertySource live = Objects.requireNonNull(MountedConfigPropertySource.get(this.environment));
		if (diff.isEmpty()) {
			this.consistency.exclusively(() -> live.publish(next));
			return finish(new ConfigReloadResult(trigger, ReloadOutcome.UNCHANGED, next.version(), previous.version(),
					Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), startedAt, since(start), next.lastWritten(), null,
					null));
		}
		MutablePropertySources candidate = this.candidates.of(next);
		PropertiesBeanRebinder.Prepared prepared;
		Set<String> keys;
		try {
			keys = this.placeholders.expand(diff.keys(), candidate);
			prepared = this.rebinder.prepare(keys, candidate);
		}
		catch (RuntimeException ex) {
			return rejected(trigger, previous, startedAt, start, ex, diff);
		}
		AtomicReference<MountedConfigPropertySource.@Nullable Published> replaced = new AtomicReference<>();
		try {
			this.consistency.exclusively(() -> {
				replaced.set(live.publish(next));
				prepared.apply();
			});
			applyToContext(keys);
		}
		catch (RuntimeException ex) {
			rollback(live, replaced.get(), prepared, keys);
			return rejected(trigger, previous, startedAt, start, ex, diff);
		}
		Instant writtenAt = next.lastWritten();
		Instant now = this.clock.instant();
		Duration lag = (writtenAt != null) ? max(Duration.between(writtenAt, now), Duration.ZERO) : null;
		ConfigReloadResult result = new ConfigReloadResult(trigger, ReloadOutcome.APPLIED, next.version(),
				previous.version(), diff.added(), diff.changed(), diff.removed(), prepared.notRebindable(),
				prepared.notRebindableKeys(), startedAt, since(start), writtenAt, lag, null);
		return finish(result);
	}

	/**
	 * A path that had keys and is now missing, or an empty directory that is not a kubelet
	 * volume (a mount point that is not populated yet), is a vanished mount rather than
	 * the removal of every key: the last good version stays.
	 */
	private static @Nullable ConfigLoadException vanishedContent(ConfigSnapshot previous, ConfigSnapshot next) {
		for (ConfigSnapshot.PathState state : next.paths()) {
			boolean empty = state.kind() == ConfigSnapshot.PathKind.MISSING
					|| (state.kind() == ConfigSnapshot.PathKind.DIRECTORY && !state.kubeletVolume()
							&& state.files().isEmpty());
			if (empty && hadKeys(previous, state.path())) {
				String what = (state.kind() == ConfigSnapshot.PathKind.MISSING) ? "disappeared" : "is empty";
				return new ConfigLoadException(state.path().path(), "Config path '" + state.path().location() + "' "
						+ what + "; keeping its last keys until it is populated again");
			}
		}
		return null;
	}

	private static boolean hadKeys(ConfigSnapshot snapshot, WatchedPath path) {
		for (ConfigSnapshot.PathState state : snapshot.paths()) {
			if (state.path().equals(path) && state.keys() > 0) {
				return true;
			}
		}
		return false;
	}

	private void applyToContext(Set<String> keys) {
		this.loggingLevels.apply(keys);
		RefreshScope scope = refreshScope();
		if (scope != null) {
			scope.refreshAll();
		}
		this.publisher.publishEvent(new EnvironmentChangeEvent(this, keys));
	}

	/**
	 * Return the refresh scope, looked up once: resolving it through the bean factory at
	 * every reload cost more than refreshing it.
	 */
	private @Nullable RefreshScope refreshScope() {
		RefreshScope scope = this.resolvedRefreshScope;
		if (scope == null) {
			scope = this.refreshScope.getIfAvailable();
			this.resolvedRefreshScope = scope;
		}
		return scope;
	}

	private void rollback(MountedConfigPropertySource live, MountedConfigPropertySource.@Nullable Published replaced,
			PropertiesBeanRebinder.Prepared prepared, Set<String> keys) {
		try {
			this.consistency.exclusively(() -> {
				if (replaced != null) {
					live.restore(replaced);
				}
				prepared.rollback();
			});
			this.loggingLevels.apply(keys);
			RefreshScope scope = refreshScope();
			if (scope != null) {
				scope.refreshAll();
			}
		}
		catch (RuntimeException ex) {
			String version = (replaced != null) ? replaced.snapshot().version() : live.getSnapshot().version();
			logger.error("Failed to roll back to config version " + version, ex);
		}
	}

	private ConfigReloadResult rejected(ReloadTrigger trigger, ConfigSnapshot previous, Instant startedAt, long start,
			Throwable ex, @Nullable ConfigDiff diff) {
		String error = RejectionMessages.describe(ex);
		ConfigDiff attempted = (diff != null) ? diff : new ConfigDiff(Set.of(), Set.of(), Set.of());
		ConfigReloadResult result = new ConfigReloadResult(trigger, ReloadOutcome.REJECTED, previous.version(),
				previous.version(), attempted.added(), attempted.changed(), attempted.removed(), Set.of(), Set.of(),
				startedAt, since(start), null, null, error);
		if (!error.equals(this.lastLoggedError)) {
			this.lastLoggedError = error;
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
		if (result.outcome() == ReloadOutcome.APPLIED) {
			this.lastSuccess = result;
			this.lastLoggedError = null;
			if (logger.isInfoEnabled()) {
				logger.info("Config version " + result.version() + " applied (was " + result.previousVersion()
						+ "; added " + names(result.added()) + ", changed " + names(result.changed()) + ", removed "
						+ names(result.removed()) + "; lag " + millis(result.lag()) + ", took "
						+ millis(result.duration()) + ")");
			}
			if (!result.notRebound().isEmpty()) {
				logger.warn("Beans " + result.notRebound()
						+ " cannot be rebound live (constructor binding, records, live resources)"
						+ " and keep their values for " + names(result.restartKeys())
						+ " until the application restarts (config.lag.strategy)");
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

	private static String names(Collection<String> keys) {
		if (keys.size() <= MAX_LOGGED_KEYS) {
			return keys.toString();
		}
		return keys.stream().limit(MAX_LOGGED_KEYS).collect(Collectors.joining(", ", "[", ", ... "))
				+ (keys.size() - MAX_LOGGED_KEYS) + " more]";
	}

	private static String millis(@Nullable Duration duration) {
		return (duration != null) ? duration.toMillis() + " ms" : "unknown";
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
