package io.configlag;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How the watched paths are watched at one moment.
 *
 * @param mode the mode actually in use
 * @param watching whether changes are being detected at all
 * @param since when the current mode started, if known
 * @param problem why watching is degraded (a fallback to polling, a lost watch), or
 * {@code null} if it is not
 * @param lastEvent when the last file-system event was seen, if any
 * @param lastCheck when the watched paths' metadata was last checked, if ever
 * @author The config-lag developers
 */
public record WatchStatus(Mode mode, boolean watching, @Nullable Instant since, @Nullable String problem,
		@Nullable Instant lastEvent, @Nullable Instant lastCheck) {

	/**
	 * The status when nothing watches the paths.
	 */
	public static final WatchStatus OFF = new WatchStatus(Mode.OFF, false, null, null, null, null);

	/**
	 * A way of watching.
	 */
	public enum Mode {

		/**
		 * File-system events (inotify), backed by a periodic metadata check.
		 */
		NATIVE,

		/**
		 * A periodic metadata check only.
		 */
		POLLING,

		/**
		 * Not watched.
		 */
		OFF

	}

}
