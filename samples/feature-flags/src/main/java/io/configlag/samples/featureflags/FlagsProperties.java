package io.configlag.samples.featureflags;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.logging.LogLevel;

/**
 * The ConfigMap's {@code config.yaml}, bound as it is written:
 *
 * <pre class="code">
 * logLevel: INFO
 * featureFlags:
 *   newUI: false
 * </pre>
 *
 * The keys sit at the root of the file, so the prefix is empty; relaxed binding maps
 * {@code logLevel} and {@code featureFlags.newUI} to the properties below. An update that
 * does not bind (for example {@code logLevel: LOUD}) is rejected by config-lag and the
 * last good values stay in place.
 *
 * @author The config-lag developers
 */
@ConfigurationProperties
public class FlagsProperties {

	/**
	 * Level of the application's own logger ({@code io.configlag.samples.featureflags}).
	 */
	private LogLevel logLevel = LogLevel.INFO;

	/**
	 * Feature flags.
	 */
	private final FeatureFlags featureFlags = new FeatureFlags();

	public LogLevel getLogLevel() {
		return this.logLevel;
	}

	public void setLogLevel(LogLevel logLevel) {
		this.logLevel = logLevel;
	}

	public FeatureFlags getFeatureFlags() {
		return this.featureFlags;
	}

	/**
	 * Feature flags.
	 */
	public static class FeatureFlags {

		/**
		 * Whether the new UI is enabled.
		 */
		private boolean newUI;

		public boolean isNewUI() {
			return this.newUI;
		}

		public void setNewUI(boolean newUI) {
			this.newUI = newUI;
		}

	}

}
