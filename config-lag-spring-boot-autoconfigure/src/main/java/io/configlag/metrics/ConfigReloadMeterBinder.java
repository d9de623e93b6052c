package io.configlag.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ConfigReloadedEvent;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;

/**
 * {@link MeterBinder} for the reload meters: the lag timers, the time of the last
 * successful reload, the applied version and the number of watched files. No meter is
 * ever tagged with a property key or value.
 *
 * @author The config-lag developers
 */
public final class ConfigReloadMeterBinder implements MeterBinder, ApplicationListener<ConfigReloadedEvent> {

	static final String LAG = "config.reload.lag";

	static final String PUBLISH_LAG = "config.reload.publish.lag";

	static final String LAST_SUCCESS = "config.reload.last.success.timestamp";

	static final String INFO = "config.reload.info";

	static final String WATCHED_FILES = "config.reload.watched.files";

	static final String RESTART_KEYS = "config.reload.restart.keys";

	private static final Duration MINIMUM_EXPECTED_LAG = Duration.ofMillis(1);

	private static final Duration MAXIMUM_EXPECTED_LAG = Duration.ofMinutes(10);

	private final ConfigReloadService service;

	private final Instant boundAt;

	private @Nullable MeterRegistry registry;

	private @Nullable Gauge info;

	private @Nullable String infoVersion;

	/**
	 * Create a new binder.
	 * @param service the reload service
	 * @param clock the clock
	 */
	public ConfigReloadMeterBinder(ConfigReloadService service, Clock clock) {
		this.service = service;
		this.boundAt = clock.instant();
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		TimeGauge.builder(LAST_SUCCESS, this, TimeUnit.MILLISECONDS, ConfigReloadMeterBinder::lastSuccessMillis)
			.description("When the last reload that applied a new version ended (the start-up before the first)")
			.register(registry);
		Gauge.builder(WATCHED_FILES, this.service, ConfigReloadMeterBinder::watchedFiles)
			.description("Number of files read from the watched paths")
			.register(registry);
		Gauge.builder(RESTART_KEYS, this.service, (service) -> service.getRestartKeys().size())
			.description("Number of keys changed since start-up that take effect only after a restart")
			.register(registry);
		updateInfo(registry, this.service.getCurrentVersion());
	}

	@Override
	public synchronized void onApplicationEvent(ConfigReloadedEvent event) {
		MeterRegistry registry = this.registry;
		ConfigReloadResult result = event.getResult();
		if (registry == null
				|| (result.outcome() != ReloadOutcome.APPLIED && result.outcome() != ReloadOutcome.RESTART_REQUIRED)) {
			return;
		}
		if (result.lag() != null) {
			lagTimer(registry, LAG, "From when the applied content was written to disk to when it was applied",
					result.trigger())
				.record(result.lag());
		}
		if (result.publishLag() != null) {
			lagTimer(registry, PUBLISH_LAG, "From the instant in 'config.lag.published-at' to when it was applied",
					result.trigger())
				.record(result.publishLag());
		}
		updateInfo(registry, result.version());
	}

	private void updateInfo(MeterRegistry registry, String version) {
		if (version.equals(this.infoVersion)) {
			return;
		}
		Gauge previous = this.info;
		if (previous != null) {
			registry.remove(previous);
		}
		this.info = Gauge.builder(INFO, () -> 1)
			.description("Always 1, tagged with the applied version of the mounted configuration")
			.tag("version", version)
			.strongReference(true)
			.register(registry);
		this.infoVersion = version;
	}

	private double lastSuccessMillis() {
		ConfigReloadResult success = this.service.getLastSuccess();
		Instant time = (success != null) ? success.endedAt() : this.boundAt;
		return time.toEpochMilli();
	}

	private static double watchedFiles(ConfigReloadService service) {
		return service.getPaths().stream().mapToInt((path) -> path.files().size()).sum();
	}

	private static Timer lagTimer(MeterRegistry registry, String name, String description, ReloadTrigger trigger) {
		return Timer.builder(name)
			.description(description)
			.tag("trigger", trigger.name().toLowerCase(Locale.ROOT))
			.publishPercentileHistogram()
			.minimumExpectedValue(MINIMUM_EXPECTED_LAG)
			.maximumExpectedValue(MAXIMUM_EXPECTED_LAG)
			.register(registry);
	}

}
