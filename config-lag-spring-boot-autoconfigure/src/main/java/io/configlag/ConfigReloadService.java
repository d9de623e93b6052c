package io.configlag;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What config-lag does for the running application, as one service: reload the watched
 * paths now, and tell which version is in effect, how the last reloads went and how the
 * paths are watched. The {@code configreload} actuator endpoint, the health indicator and
 * the meters use it; so can an application.
 *
 * @author The config-lag developers
 */
public interface ConfigReloadService {

	/**
	 * Read the watched paths now and apply what changed, as a change seen by the watcher
	 * would be applied. Never throws: a failure is reported in the result.
	 * @return the result
	 */
	ConfigReloadResult reload();

	/**
	 * Return the version of the mounted configuration in effect: a digest of its content.
	 * @return the current version
	 */
	String getCurrentVersion();

	/**
	 * Return what was found at each watched path in the version in effect.
	 * @return the watched paths, in the order of {@code config.lag.paths}
	 */
	List<MountedPath> getPaths();

	/**
	 * Return the result of the last reload, whatever its outcome.
	 * @return the last result, or {@code null} before the first reload
	 */
	@Nullable ConfigReloadResult getLastReload();

	/**
	 * Return the result of the last reload that applied a new version.
	 * @return the last applied result, or {@code null} if none applied yet
	 */
	@Nullable ConfigReloadResult getLastSuccess();

	/**
	 * Return the keys changed since the application started that take effect only after a
	 * restart (Spring reads them at start-up, or no live consumer took them).
	 * @return the keys, sorted, empty if none
	 */
	Set<String> getRestartKeys();

	/**
	 * Return how many reloads ended with the given outcome since the application started.
	 * @param outcome the outcome
	 * @return the count
	 */
	long getReloadCount(ReloadOutcome outcome);

	/**
	 * Return where the rollout stands: a version waiting for its spread delay, a version
	 * being verified, a rolled-back version that is pinned.
	 * @return the rollout status, {@link RolloutStatus#NONE} when there is none
	 */
	default RolloutStatus getRolloutStatus() {
		return RolloutStatus.NONE;
	}

	/**
	 * Return how the watched paths are watched right now.
	 * @return the watch status
	 */
	WatchStatus getWatchStatus();

	/**
	 * Return the warnings found about the watched paths and the application (a path that
	 * is not a Kubernetes atomic volume, a {@code subPath} mount, a bean that cannot take
	 * new values live), for the operator.
	 * @return the warnings, empty if none
	 */
	List<String> getWarnings();

}
