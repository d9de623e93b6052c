package io.configlag.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.mount.ConfigSnapshot;
import io.configlag.reload.ConfigReloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Applies a version and watches the application's health for {@code verify-for}
 * afterwards: if health was {@code UP} before the apply and leaves {@code UP} within that
 * window, the version before it is put back with the {@link ConfigReloader}'s own
 * machinery ({@link ConfigReloader#rollBack}: beans, {@code Environment}, refresh scope,
 * log levels) and the rolled-back version is pinned. If health was not {@code UP} before
 * the apply there is nothing to verify, and the result says so. Applying another version
 * ends the window of the one before.
 *
 * @author The config-lag developers
 */
final class HealthVerification {

	private static final Log logger = LogFactory.getLog(HealthVerification.class);

	private final ConfigReloader reloader;

	private final HealthCheck health;

	private final Duration verifyFor;

	private final Duration checkInterval;

	private final ScheduledExecutorService executor;

	private final Clock clock;

	private final Consumer<@Nullable String> pin;

	private volatile @Nullable Window window;

	HealthVerification(ConfigReloader reloader, HealthCheck health, Duration verifyFor, Duration checkInterval,
			ScheduledExecutorService executor, Clock clock, Consumer<@Nullable String> pin) {
		this.reloader = reloader;
		this.health = health;
		this.verifyFor = verifyFor;
		this.checkInterval = checkInterval;
		this.executor = executor;
		this.clock = clock;
		this.pin = pin;
	}

	/**
	 * Return the window open now.
	 * @return the window, or {@code null} if no version is being verified
	 */
	@Nullable Window current() {
		return this.window;
	}

	/**
	 * Apply the given snapshot and open a window for it if health is {@code UP} now. Call
	 * within {@link ConfigReloader#serialized}.
	 * @param trigger what started the reload
	 * @param next the snapshot to apply
	 * @return the result of the reload
	 */
	ConfigReloadResult apply(ReloadTrigger trigger, ConfigSnapshot next) {
		ConfigSnapshot previous = this.reloader.current();
		HealthCheck.Sample before = this.health.check();
		String verification;
		if (before == null) {
			verification = "not verified: the application's " + this.health.description() + " is not available";
		}
		else if (before.isUp()) {
			verification = this.health.description() + " verified for " + this.verifyFor + " after the apply";
		}
		else {
			verification = "not verified: " + this.health.description() + " was " + before.status()
					+ " before the apply (" + String.join(", ", before.notUp()) + "), so there is nothing to verify";
		}
		ConfigReloadResult result = this.reloader.reload(trigger, next, verification);
		if (result.outcome() == ReloadOutcome.APPLIED || result.outcome() == ReloadOutcome.RESTART_REQUIRED) {
			end(this.window);
			if (before != null && before.isUp()) {
				open(trigger, previous, result.version());
			}
		}
		return result;
	}

	private void open(ReloadTrigger trigger, ConfigSnapshot previous, String version) {
		Window window = new Window(trigger, previous, version, this.clock.instant().plus(this.verifyFor),
				System.nanoTime() + this.verifyFor.toNanos());
		long interval = Math.max(1, Math.min(this.checkInterval.toNanos(), this.verifyFor.toNanos()));
		this.window = window;
		try {
			window.future = this.executor.scheduleWithFixedDelay(() -> check(window), interval, interval,
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.window = null;
		}
	}

	private void check(Window window) {
		if (this.window != window) {
			return;
		}
		HealthCheck.Sample sample = this.health.check();
		if (sample != null && !sample.isUp()) {
			this.reloader.serialized(() -> rollBack(window, sample));
		}
		else if (System.nanoTime() - window.deadline >= 0) {
			this.reloader.serialized(() -> {
				if (end(window) && logger.isDebugEnabled()) {
					logger.debug("Config version " + window.version() + " kept: " + this.health.description()
							+ " stayed UP for " + this.verifyFor);
				}
				return null;
			});
		}
	}

	private @Nullable ConfigReloadResult rollBack(Window window, HealthCheck.Sample sample) {
		if (!end(window) || !this.reloader.current().version().equals(window.version())) {
			return null;
		}
		String previous = window.previous().version();
		String contributors = String.join(", ", sample.notUp());
		String reason = "Health contributors [" + contributors + "] went " + sample.status() + " within "
				+ this.verifyFor + " after config version " + window.version() + " was applied ("
				+ this.health.description() + "); version " + previous + " is back in effect and " + window.version()
				+ " stays pinned until the files change";
		this.pin.accept(window.version());
		ConfigReloadResult result = this.reloader.rollBack(window.trigger(), window.previous(), reason);
		if (result.outcome() == ReloadOutcome.ROLLED_BACK) {
			logger.error("Config version " + window.version() + " rolled back to " + previous
					+ ": health contributors [" + contributors + "] went " + sample.status() + " within "
					+ this.verifyFor + " after it was applied (" + this.health.description()
					+ "); it stays pinned until the files change again");
		}
		else {
			this.pin.accept(null);
			logger.error("Config version " + window.version() + " made health contributors [" + contributors + "] go "
					+ sample.status() + ", but rolling back to version " + previous + " failed: " + result.error());
		}
		return result;
	}

	/*
	 * End the given window if it is still open; return whether it was.
	 */
	private boolean end(@Nullable Window window) {
		if (window == null || this.window != window) {
			return false;
		}
		this.window = null;
		ScheduledFuture<?> future = window.future;
		if (future != null) {
			future.cancel(false);
		}
		return true;
	}

	/**
	 * The verification of one applied version.
	 */
	static final class Window {

		private final ReloadTrigger trigger;

		private final ConfigSnapshot previous;

		private final String version;

		private final Instant until;

		private final long deadline;

		private volatile @Nullable ScheduledFuture<?> future;

		Window(ReloadTrigger trigger, ConfigSnapshot previous, String version, Instant until, long deadline) {
			this.trigger = trigger;
			this.previous = previous;
			this.version = version;
			this.until = until;
			this.deadline = deadline;
		}

		ReloadTrigger trigger() {
			return this.trigger;
		}

		ConfigSnapshot previous() {
			return this.previous;
		}

		String version() {
			return this.version;
		}

		Instant until() {
			return this.until;
		}

	}

}
