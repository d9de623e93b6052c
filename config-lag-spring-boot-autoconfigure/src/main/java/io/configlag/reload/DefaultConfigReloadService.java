package io.configlag.reload;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.MountedPath;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.RolloutStatus;
import io.configlag.WatchStatus;
import io.configlag.mount.ConfigSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ConfigReloadService} of an application: the {@link ConfigReloader} for
 * reloads and versions, and whatever watches the paths for their status and warnings.
 *
 * @author The config-lag developers
 */
public final class DefaultConfigReloadService implements ConfigReloadService {

	private final ConfigReloader reloader;

	private final Supplier<ConfigReloadResult> manualReload;

	private final Supplier<RolloutStatus> rolloutStatus;

	private final Supplier<WatchStatus> watchStatus;

	private final Supplier<List<String>> warnings;

	/**
	 * Create a new instance.
	 * @param reloader the reloader
	 * @param watchStatus supplies the watch status ({@link WatchStatus#OFF} when nothing
	 * watches)
	 * @param warnings supplies the current warnings
	 */
	public DefaultConfigReloadService(ConfigReloader reloader, Supplier<WatchStatus> watchStatus,
			Supplier<List<String>> warnings) {
		this(reloader, () -> reloader.reload(ReloadTrigger.MANUAL), () -> RolloutStatus.NONE, watchStatus, warnings);
	}

	/**
	 * Create a new instance whose manual reloads and rollout status come from the
	 * rollout.
	 * @param reloader the reloader
	 * @param manualReload runs a manual reload
	 * @param rolloutStatus supplies the rollout status
	 * @param watchStatus supplies the watch status ({@link WatchStatus#OFF} when nothing
	 * watches)
	 * @param warnings supplies the current warnings
	 */
	public DefaultConfigReloadService(ConfigReloader reloader, Supplier<ConfigReloadResult> manualReload,
			Supplier<RolloutStatus> rolloutStatus, Supplier<WatchStatus> watchStatus, Supplier<List<String>> warnings) {
		this.reloader = reloader;
		this.manualReload = manualReload;
		this.rolloutStatus = rolloutStatus;
		this.watchStatus = watchStatus;
		this.warnings = warnings;
	}

	@Override
	public ConfigReloadResult reload() {
		return this.manualReload.get();
	}

	@Override
	public RolloutStatus getRolloutStatus() {
		return this.rolloutStatus.get();
	}

	@Override
	public String getCurrentVersion() {
		return this.reloader.current().version();
	}

	@Override
	public List<MountedPath> getPaths() {
		return this.reloader.current().paths().stream().map(DefaultConfigReloadService::mountedPath).toList();
	}

	@Override
	public @Nullable ConfigReloadResult getLastReload() {
		return this.reloader.getLastReload();
	}

	@Override
	public @Nullable ConfigReloadResult getLastSuccess() {
		return this.reloader.getLastSuccess();
	}

	@Override
	public Set<String> getRestartKeys() {
		return this.reloader.getRestartKeys();
	}

	@Override
	public long getReloadCount(ReloadOutcome outcome) {
		return this.reloader.getCount(outcome);
	}

	@Override
	public WatchStatus getWatchStatus() {
		return this.watchStatus.get();
	}

	@Override
	public List<String> getWarnings() {
		return this.warnings.get();
	}

	private static MountedPath mountedPath(ConfigSnapshot.PathState state) {
		MountedPath.Kind kind = switch (state.kind()) {
			case FILE -> MountedPath.Kind.FILE;
			case DIRECTORY -> MountedPath.Kind.DIRECTORY;
			case MISSING -> MountedPath.Kind.MISSING;
		};
		return new MountedPath(state.path().location(), state.path().path(), kind, state.kubeletVolume(),
				state.writtenAt(), state.keys(), state.files());
	}

}
