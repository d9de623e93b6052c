package io.configlag.reload;

import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The log lines of a version that went into the {@code Environment}, under
 * {@link ConfigReloader}'s name: one INFO line with the keys that changed and the lag,
 * and one WARN line naming the keys that take effect only after a restart. Key names
 * only, never values.
 *
 * @author The config-lag developers
 */
final class ReloadLog {

	private static final Log logger = LogFactory.getLog(ConfigReloader.class);

	private static final int MAX_LOGGED_KEYS = 20;

	private ReloadLog() {
	}

	/**
	 * Log a version that is now in the {@code Environment}.
	 * @param result the result of an applied or restart-required reload
	 */
	static void inEnvironment(ConfigReloadResult result) {
		if (logger.isInfoEnabled()) {
			String what = (result.outcome() == ReloadOutcome.APPLIED) ? " applied"
					: " is in the Environment, but no live consumer took any of its changes";
			logger.info("Config version " + result.version() + what + " (was " + result.previousVersion() + "; added "
					+ names(result.added()) + ", changed " + names(result.changed()) + ", removed "
					+ names(result.removed()) + "; lag " + millis(result.lag()) + ", took " + millis(result.duration())
					+ ")");
		}
		if (!result.restartKeys().isEmpty()) {
			logger.warn("Keys " + names(result.restartKeys()) + " of config version " + result.version()
					+ " take effect only after a restart: Spring reads them at start-up, no live consumer took them"
					+ (result.notRebound().isEmpty() ? ""
							: ", or beans " + result.notRebound() + " cannot take them live")
					+ " (see config.lag.strategy, config.lag.reload.live-keys)");
		}
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

}
