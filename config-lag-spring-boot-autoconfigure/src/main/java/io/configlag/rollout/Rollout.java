package io.configlag.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadTrigger;
import io.configlag.RolloutStatus;
import io.configlag.mount.ConfigSnapshot;
import io.configlag.reload.ConfigReloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides when a version of the watched files is applied. A version found by watching or
 * polling waits a random delay in [0, {@code spread}) so that the replicas that received
 * it together apply it at different moments; a newer version arriving meanwhile replaces
 * the pending one (which keeps its moment, so that frequent changes cannot postpone it
 * for ever); a manual reload applies at once. After a version is applied, a
 * {@link HealthVerification} watches the application's health for {@code verify-for} and
 * rolls the version back if health leaves {@code UP}; the rolled-back version is then
 * <em>pinned</em>: watching, polling and the periodic check do not apply it again until
 * the files hold another version. A manual reload applies whatever the files hold, a
 * pinned version included (the operator decides), and verifies it again.
 * <p>
 * With neither spread nor verification, every reload goes straight to the
 * {@link ConfigReloader}. State changes happen while no reload runs
 * ({@link ConfigReloader#serialized}).
 *
 * @author The config-lag developers
 */
public final class Rollout implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Rollout.class);

	private final ConfigReloader reloader;

	private final Duration spread;

	private final @Nullable HealthVerification verification;

	private final Clock clock;

	private final ScheduledExecutorService executor;

	private volatile @Nullable Pending pending;

	private volatile @Nullable String pinned;

	/**
	 * Create a new rollout.
	 * @param reloader the reloader
	 * @param spread the upper bound of the random delay, zero for none
	 * @param verifyFor how long health is verified after an apply, zero for never
	 * @param checkInterval the time between two health checks while verifying
	 * @param health reads the application's health, {@code null} if it cannot be read
	 * @param clock the clock, for the times reported
	 */
	public Rollout(ConfigReloader reloader, Duration spread, Duration verifyFor, Duration checkInterval,
			@Nullable HealthCheck health, Clock clock) {
		this.reloader = reloader;
		this.spread = spread;
		this.clock = clock;
		this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "config-lag-rollout");
			thread.setDaemon(true);
			return thread;
		});
		this.verification = (positive(verifyFor) && health != null)
				? new HealthVerification(reloader, health, verifyFor, checkInterval, this.executor, clock, this::pin)
				: null;
		if (positive(verifyFor) && health == null) {
			logger.warn("config.lag.rollout.verify-for is set but the application has no health endpoint to verify"
					+ " a new version with; versions are applied without verification");
		}
	}

	/**
	 * Return whether the rollout delays or verifies anything.
	 * @return whether spread or verification is on
	 */
	public boolean isActive() {
		return positive(this.spread) || this.verification != null;
	}

	/**
	 * Handle a change found by watching, polling or the periodic check: apply it now,
	 * after its random delay, or not at all if it is the pinned version.
	 * @param trigger what found the change
	 */
	public void reload(ReloadTrigger trigger) {
		if (!isActive()) {
			this.reloader.reload(trigger);
			return;
		}
		this.reloader.serialized(() -> changed(trigger, false));
	}

	/**
	 * Reload now, as asked by an operator: apply what the files hold at once, even a
	 * pinned version, and verify it.
	 * @return the result
	 */
	public ConfigReloadResult reloadNow() {
		if (!isActive()) {
			return this.reloader.reload(ReloadTrigger.MANUAL);
		}
		return this.reloader.serialized(() -> {
			this.pending = null;
			ConfigSnapshot next = read();
			if (next == null) {
				return this.reloader.reload(ReloadTrigger.MANUAL);
			}
			if (next.version().equals(this.reloader.current().version())) {
				return this.reloader.reload(ReloadTrigger.MANUAL, next, null);
			}
			if (next.version().equals(this.pinned)) {
				logger.info("Applying pinned config version " + next.version() + " again, as asked by a manual reload");
			}
			this.pinned = null;
			return apply(ReloadTrigger.MANUAL, next);
		});
	}

	/**
	 * Return where the rollout stands now.
	 * @return the status
	 */
	public RolloutStatus getStatus() {
		Pending pending = this.pending;
		HealthVerification verification = this.verification;
		HealthVerification.Window window = (verification != null) ? verification.current() : null;
		return new RolloutStatus((pending != null) ? pending.version : null,
				(pending != null) ? pending.appliesAt : null, (window != null) ? window.version() : null,
				(window != null) ? window.until() : null, this.pinned);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private @Nullable ConfigReloadResult changed(ReloadTrigger trigger, boolean due) {
		ConfigSnapshot next = read();
		if (next == null) {
			// The reloader reads again and reports why the files cannot be read
			this.pending = null;
			return this.reloader.reload(trigger);
		}
		String version = next.version();
		String pinned = this.pinned;
		if (version.equals(pinned)) {
			this.pending = null;
			if (logger.isDebugEnabled()) {
				logger
					.debug("Config version " + version + " was rolled back and stays pinned (trigger " + trigger + ")");
			}
			return null;
		}
		if (pinned != null) {
			this.pinned = null;
			logger.info("The config files changed to version " + version + "; rolled-back version " + pinned
					+ " is no longer pinned");
		}
		if (version.equals(this.reloader.current().version())) {
			this.pending = null;
			return this.reloader.reload(trigger, next, null);
		}
		if (!due && positive(this.spread)) {
			hold(trigger, version);
			return null;
		}
		this.pending = null;
		return apply(trigger, next);
	}

	private @Nullable ConfigSnapshot read() {
		try {
			return this.reloader.getReader().read();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/*
	 * Hold a version until its random moment; a newer version replaces the pending one
	 * and keeps its moment.
	 */
	private void hold(ReloadTrigger trigger, String version) {
		Pending pending = this.pending;
		if (pending != null && pending.version.equals(version)) {
			return;
		}
		if (pending != null) {
			String replaced = pending.version;
			pending.version = version;
			pending.trigger = trigger;
			logger.info("Config version " + version + " replaces pending version " + replaced + "; applying it at "
					+ pending.appliesAt + " (config.lag.rollout.spread)");
			return;
		}
		long delay = ThreadLocalRandom.current().nextLong(Math.max(1, this.spread.toNanos()));
		Pending next = new Pending(version, trigger, this.clock.instant().plusNanos(delay));
		try {
			this.executor.schedule(() -> this.reloader.serialized(() -> due(next)), delay, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			return;
		}
		this.pending = next;
		logger.info("Config version " + version + " found (" + trigger.name().toLowerCase(Locale.ROOT)
				+ "); applying it in " + Duration.ofNanos(delay).toMillis() + " ms (config.lag.rollout.spread)");
	}

	private @Nullable ConfigReloadResult due(Pending pending) {
		if (this.pending != pending) {
			return null;
		}
		this.pending = null;
		return changed(pending.trigger, true);
	}

	private ConfigReloadResult apply(ReloadTrigger trigger, ConfigSnapshot next) {
		HealthVerification verification = this.verification;
		if (verification == null) {
			return this.reloader.reload(trigger, next, null);
		}
		return verification.apply(trigger, next);
	}

	private static boolean positive(Duration duration) {
		return !duration.isZero() && !duration.isNegative();
	}

	private void pin(@Nullable String version) {
		this.pinned = version;
	}

	/**
	 * A version that waits for its moment.
	 */
	private static final class Pending {

		private final Instant appliesAt;

		private volatile String version;

		private volatile ReloadTrigger trigger;

		Pending(String version, ReloadTrigger trigger, Instant appliesAt) {
			this.version = version;
			this.trigger = trigger;
			this.appliesAt = appliesAt;
		}

	}

}
