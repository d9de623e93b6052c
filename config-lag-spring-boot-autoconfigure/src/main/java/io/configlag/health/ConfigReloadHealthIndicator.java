package io.configlag.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ConfigReloadedEvent;
import io.configlag.ReloadOutcome;
import io.configlag.WatchStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;

/**
 * {@link HealthIndicator} for the mounted configuration: {@code UP} with the applied
 * version, the last outcome and the staleness in its details. While the last reload is
 * rejected the configuration is <em>stale</em> (the files hold a version that is not
 * applied) and the indicator reports the configured rejected status, {@code UP} by
 * default. After the rollout rolled a version back
 * ({@code config.lag.rollout.verify-for}) the details say {@code rolledBack} and name the
 * pinned version until the files change; the status stays {@code UP}, as the version in
 * effect is the one that kept the application healthy.
 *
 * @author The config-lag developers
 */
public final class ConfigReloadHealthIndicator extends AbstractHealthIndicator
		implements ApplicationListener<ConfigReloadedEvent> {

	private final ConfigReloadService service;

	private final Status rejectedStatus;

	private final Clock clock;

	private volatile @Nullable Instant staleSince;

	/**
	 * Create a new indicator.
	 * @param service the reload service
	 * @param rejectedStatus the status while the last reload is rejected
	 * @param clock the clock
	 */
	public ConfigReloadHealthIndicator(ConfigReloadService service, Status rejectedStatus, Clock clock) {
		super("Config reload health check failed");
		this.service = service;
		this.rejectedStatus = rejectedStatus;
		this.clock = clock;
	}

	@Override
	public void onApplicationEvent(ConfigReloadedEvent event) {
		ConfigReloadResult result = event.getResult();
		if (result.outcome() != ReloadOutcome.REJECTED) {
			this.staleSince = null;
		}
		else if (this.staleSince == null) {
			this.staleSince = result.startedAt();
		}
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ConfigReloadResult last = this.service.getLastReload();
		boolean stale = last != null && last.outcome() == ReloadOutcome.REJECTED;
		builder.status(stale ? this.rejectedStatus : Status.UP);
		builder.withDetail("version", this.service.getCurrentVersion());
		builder.withDetail("lastOutcome", (last != null) ? lowerCase(last.outcome()) : "none");
		if (last != null) {
			builder.withDetail("lastReload", last.startedAt());
		}
		builder.withDetail("stale", stale);
		if (!this.service.getRestartKeys().isEmpty()) {
			builder.withDetail("restartRequired", this.service.getRestartKeys());
		}
		String pinned = this.service.getRolloutStatus().pinnedVersion();
		builder.withDetail("rolledBack", pinned != null);
		if (pinned != null) {
			builder.withDetail("pinnedVersion", pinned);
		}
		WatchStatus watch = this.service.getWatchStatus();
		if (watch.mode() != WatchStatus.Mode.OFF || watch.problem() != null) {
			builder.withDetail("watchMode", lowerCase(watch.mode()));
			builder.withDetail("watching", watch.watching());
			if (watch.problem() != null) {
				builder.withDetail("watchProblem", watch.problem());
			}
		}
		if (stale) {
			Instant since = this.staleSince;
			if (since == null) {
				since = last.startedAt();
			}
			builder.withDetail("staleSince", since);
			builder.withDetail("staleFor", Duration.between(since, this.clock.instant()).toString());
			if (last.error() != null) {
				builder.withDetail("error", last.error());
			}
		}
	}

	private static String lowerCase(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
