package io.configlag.samples.featureflags;

import java.time.Duration;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadedEvent;
import io.configlag.ReloadOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Applies {@code logLevel} to the application's own logger, at startup and after every
 * applied reload, and logs each reload with its lag. Only key names and the flags are
 * logged, never the values of other keys (the Secret's among them).
 *
 * @author The config-lag developers
 */
@Component
public class FlagsReloadListener implements SmartInitializingSingleton {

	/**
	 * The logger whose level {@code logLevel} controls.
	 */
	public static final String LOGGER_NAME = "io.configlag.samples.featureflags";

	private static final Log logger = LogFactory.getLog(FlagsReloadListener.class);

	private final FlagsProperties flags;

	private final LoggingSystem loggingSystem;

	public FlagsReloadListener(FlagsProperties flags, LoggingSystem loggingSystem) {
		this.flags = flags;
		this.loggingSystem = loggingSystem;
	}

	@Override
	public void afterSingletonsInstantiated() {
		applyLogLevel();
		logger.info("Serving " + describeFlags());
	}

	/**
	 * React to a reload of the mounted configuration.
	 * @param event the reload event
	 */
	@EventListener
	public void onReload(ConfigReloadedEvent event) {
		ConfigReloadResult result = event.getResult();
		if (result.outcome() == ReloadOutcome.APPLIED) {
			applyLogLevel();
			logger.info("Config version " + result.version() + " applied " + millis(result.lag())
					+ " after it was written to disk (changed " + result.keys() + ", reload took "
					+ millis(result.duration()) + "); now serving " + describeFlags());
		}
		else if (result.outcome() == ReloadOutcome.REJECTED) {
			logger.warn("Config update rejected; still serving version " + result.version() + ": " + describeFlags());
		}
	}

	private void applyLogLevel() {
		this.loggingSystem.setLogLevel(LOGGER_NAME, this.flags.getLogLevel());
	}

	private String describeFlags() {
		return "logLevel=" + this.flags.getLogLevel() + ", featureFlags.newUI="
				+ this.flags.getFeatureFlags().isNewUI();
	}

	private static String millis(Duration duration) {
		return (duration != null) ? duration.toMillis() + " ms" : "an unknown time";
	}

}
