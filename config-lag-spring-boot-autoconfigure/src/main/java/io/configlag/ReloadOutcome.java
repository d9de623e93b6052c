package io.configlag;

/**
 * The outcome of a reload.
 *
 * @author The config-lag developers
 */
public enum ReloadOutcome {

	/**
	 * A new version was read and applied.
	 */
	APPLIED,

	/**
	 * A new version was read and is in the {@code Environment}, but no live consumer took
	 * any of its changes: they take effect when the application restarts.
	 */
	RESTART_REQUIRED,

	/**
	 * The content read has no property changes.
	 */
	UNCHANGED,

	/**
	 * The new content could not be read, parsed, bound or validated; the last good
	 * version stays in place.
	 */
	REJECTED,

	/**
	 * A version was applied and then rolled back because the application's health left
	 * {@code UP} while it was verified ({@code config.lag.rollout.verify-for}): the
	 * version before it is in effect again, and the rolled-back version is pinned (not
	 * applied again by the watcher) until the files change again.
	 */
	ROLLED_BACK

}
