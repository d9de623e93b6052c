package io.configlag.actuate.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.MountedPath;
import io.configlag.ReloadOutcome;
import io.configlag.RolloutStatus;
import io.configlag.WatchStatus;
import io.configlag.mount.MountedConfigPropertySource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * {@link Endpoint @Endpoint} that shows which version of the mounted configuration is
 * applied, what the last reload did and, as a write operation, reloads it now. Property
 * keys are always shown; property values are sanitized unless {@code show-values} allows
 * them, exactly as for the {@code env} endpoint. Its write operation is not available
 * unless {@code management.endpoint.configreload.access=unrestricted}.
 *
 * @author The config-lag developers
 */
@Endpoint(id = "configreload", defaultAccess = Access.READ_ONLY)
public class ConfigReloadEndpoint {

	private final ConfigReloadService service;

	private final ConfigurableEnvironment environment;

	private final Sanitizer sanitizer;

	private final Show showValues;

	/**
	 * Create a new endpoint.
	 * @param service the reload service
	 * @param environment the environment, whose mounted property source holds the values
	 * that are shown
	 * @param sanitizingFunctions the functions that sanitize values
	 * @param showValues when to show unsanitized values
	 */
	public ConfigReloadEndpoint(ConfigReloadService service, ConfigurableEnvironment environment,
			Iterable<SanitizingFunction> sanitizingFunctions, Show showValues) {
		this.service = service;
		this.environment = environment;
		this.sanitizer = new Sanitizer(sanitizingFunctions);
		this.showValues = showValues;
	}

	/**
	 * Describe the applied version and the last reloads.
	 * @return the description
	 */
	@ReadOperation
	public ConfigReloadDescriptor configReload() {
		return describe(this.showValues.isShown(true));
	}

	/**
	 * Read the watched paths and apply what changed now. No security context is known to
	 * this operation, so its response shows unsanitized values only with
	 * {@code show-values=always}; with {@code when-authorized}, the read operation shows
	 * them to an authorized user.
	 * @return what the reload did
	 */
	@WriteOperation
	public ReloadDescriptor reload() {
		return reload(this.showValues == Show.ALWAYS);
	}

	ConfigReloadDescriptor describe(boolean showUnsanitized) {
		List<PathDescriptor> paths = this.service.getPaths().stream().map(PathDescriptor::of).toList();
		Map<String, Long> counts = new LinkedHashMap<>();
		for (ReloadOutcome outcome : ReloadOutcome.values()) {
			counts.put(lowerCase(outcome), this.service.getReloadCount(outcome));
		}
		WatchStatus watch = this.service.getWatchStatus();
		String watchMode = (watch.mode() != WatchStatus.Mode.OFF) ? lowerCase(watch.mode()) : null;
		return new ConfigReloadDescriptor(this.service.getCurrentVersion(), watchMode, WatchDescriptor.of(watch), paths,
				describe(this.service.getLastReload(), showUnsanitized),
				describe(this.service.getLastSuccess(), showUnsanitized), counts, this.service.getRestartKeys(),
				RolloutDescriptor.of(this.service.getRolloutStatus()), this.service.getWarnings());
	}

	ReloadDescriptor reload(boolean showUnsanitized) {
		return describeReload(this.service.reload(), showUnsanitized);
	}

	private @Nullable ReloadDescriptor describe(@Nullable ConfigReloadResult result, boolean showUnsanitized) {
		return (result != null) ? describeReload(result, showUnsanitized) : null;
	}

	private ReloadDescriptor describeReload(ConfigReloadResult result, boolean showUnsanitized) {
		PropertySource<?> source = this.environment.getPropertySources().get(MountedConfigPropertySource.NAME);
		Map<String, @Nullable Object> values = new LinkedHashMap<>();
		if (source != null) {
			Set<String> keys = new TreeSet<>(result.added());
			keys.addAll(result.changed());
			for (String key : keys) {
				Object value = source.getProperty(key);
				if (value != null) {
					SanitizableData data = new SanitizableData(source, key, value.toString());
					values.put(key, stringify(this.sanitizer.sanitize(data, showUnsanitized)));
				}
			}
		}
		return ReloadDescriptor.of(result, values);
	}

	private static @Nullable Object stringify(@Nullable Object value) {
		if (value == null || ClassUtils.isPrimitiveOrWrapper(value.getClass()) || value instanceof Number) {
			return value;
		}
		return value.toString();
	}

	private static String lowerCase(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The applied version of the mounted configuration and its last reloads.
	 *
	 * @param version a short hash of the applied content, {@code none} when nothing was
	 * loaded
	 * @param watchMode how changes are detected: {@code native} or {@code polling}
	 * @param watch whether changes are being watched right now and, if watching is
	 * degraded (native watching replaced by polling), why
	 * @param paths what was found at each watched path
	 * @param lastReload the last reload, whatever its outcome
	 * @param lastSuccess the last reload that applied a new version
	 * @param counts the number of reloads per outcome ({@code applied},
	 * {@code restart-required}, {@code unchanged}, {@code rejected}, {@code rolled-back})
	 * since the application started
	 * @param restartKeys the keys changed since the application started that take effect
	 * only after a restart
	 * @param rollout a version waiting for its spread delay, a version being verified and
	 * a rolled-back version that is pinned, or {@code null} when there is none
	 * @param warnings what keeps changes from reaching the application or delays them
	 * ({@code subPath} mounts, non-atomic paths, beans that cannot be rebound live, a
	 * fallback from file-system events to polling)
	 */
	public record ConfigReloadDescriptor(String version, @Nullable String watchMode, @Nullable WatchDescriptor watch,
			List<PathDescriptor> paths, @Nullable ReloadDescriptor lastReload, @Nullable ReloadDescriptor lastSuccess,
			Map<String, Long> counts, Set<String> restartKeys, @Nullable RolloutDescriptor rollout,
			List<String> warnings) implements OperationResponseBody {

	}

	/**
	 * Where the rollout stands ({@code config.lag.rollout.*}).
	 *
	 * @param pendingVersion the version found by watching that waits for its random delay
	 * @param pendingAppliesAt when the pending version will be applied
	 * @param verifyingVersion the applied version whose effect on health is being
	 * verified
	 * @param verifyingUntil when its verification ends
	 * @param pinnedVersion the rolled-back version that watching does not apply again
	 * until the files change
	 */
	public record RolloutDescriptor(@Nullable String pendingVersion, @Nullable Instant pendingAppliesAt,
			@Nullable String verifyingVersion, @Nullable Instant verifyingUntil, @Nullable String pinnedVersion) {

		static @Nullable RolloutDescriptor of(RolloutStatus status) {
			if (status.equals(RolloutStatus.NONE)) {
				return null;
			}
			return new RolloutDescriptor(status.pendingVersion(), status.pendingAppliesAt(), status.verifyingVersion(),
					status.verifyingUntil(), status.pinnedVersion());
		}

	}

	/**
	 * The state of watching at this moment.
	 *
	 * @param mode the mode in use: {@code native}, {@code polling} or {@code off}
	 * @param watching whether changes are being watched right now
	 * @param since when the mode in use started
	 * @param problem why watching is degraded (for example why native watching fell back
	 * to polling, and the fix), or {@code null}
	 * @param lastEvent when the last file-system event arrived
	 * @param lastCheck when the watched paths' metadata was last checked
	 */
	public record WatchDescriptor(String mode, boolean watching, @Nullable Instant since, @Nullable String problem,
			@Nullable Instant lastEvent, @Nullable Instant lastCheck) {

		static WatchDescriptor of(WatchStatus status) {
			return new WatchDescriptor(lowerCase(status.mode()), status.watching(), status.since(), status.problem(),
					status.lastEvent(), status.lastCheck());
		}

	}

	/**
	 * What was found at one watched path.
	 *
	 * @param location the location as configured in {@code config.lag.paths}
	 * @param path the absolute path
	 * @param kind {@code kubelet-volume}, {@code directory}, {@code file} or
	 * {@code missing}
	 * @param kubeletVolume whether the path is, or is a file in, a volume written by the
	 * kubelet's atomic writer (a ConfigMap, Secret or projected volume)
	 * @param writtenAt when its current content was written to disk: the time of the
	 * {@code ..data} link for a kubelet volume, the newest modification time otherwise
	 * @param keys the number of property keys read from it
	 * @param files the files read, relative to the path
	 */
	public record PathDescriptor(String location, String path, String kind, boolean kubeletVolume,
			@Nullable Instant writtenAt, int keys, List<String> files) {

		static PathDescriptor of(MountedPath path) {
			String kind = (path.kind() == MountedPath.Kind.DIRECTORY && path.kubeletVolume()) ? "kubelet-volume"
					: lowerCase(path.kind());
			return new PathDescriptor(path.location(), path.path().toString(), kind, path.kubeletVolume(),
					path.writtenAt(), path.keys(), path.files());
		}

	}

	/**
	 * What one reload did.
	 *
	 * @param time when the reload started
	 * @param trigger what started it: {@code watch}, {@code poll} or {@code manual}
	 * @param outcome {@code applied}, {@code restart-required} (in the
	 * {@code Environment}, but no live consumer took any of its changes),
	 * {@code unchanged}, {@code rejected} or {@code rolled-back} (applied, then put back
	 * because health left {@code UP})
	 * @param version the version in effect after the reload
	 * @param previousVersion the version in effect before the reload
	 * @param duration how long the reload took
	 * @param writtenAt when the applied content was written to disk, if known
	 * @param lag from {@code writtenAt} to applied, for an applied reload
	 * @param added the keys that appeared
	 * @param changed the keys whose value changed
	 * @param removed the keys that disappeared
	 * @param values the value now in effect in the mounted configuration of each added or
	 * changed key, sanitized unless {@code show-values} allows it
	 * @param notRebound the {@code @ConfigurationProperties} beans that keep their values
	 * until a restart
	 * @param restartKeys the changed keys that take effect only after a restart (see
	 * {@code config.lag.strategy}): Spring reads them at start-up, no live consumer took
	 * them, or {@code notRebound} beans depend on them
	 * @param consumers for each changed key that a live consumer took, the consumers that
	 * took it ({@code bean:<name>}, {@code refresh-scope:<name>}, {@code logging}, ...)
	 * @param error why the reload was rejected or rolled back
	 * @param verification what the rollout verifies after the apply, or why there is
	 * nothing to verify
	 */
	public record ReloadDescriptor(Instant time, String trigger, String outcome, String version, String previousVersion,
			Duration duration, @Nullable Instant writtenAt, @Nullable Duration lag, Set<String> added,
			Set<String> changed, Set<String> removed, Map<String, @Nullable Object> values, Set<String> notRebound,
			Set<String> restartKeys, Map<String, Set<String>> consumers, @Nullable String error,
			@Nullable String verification) implements OperationResponseBody {

		static ReloadDescriptor of(ConfigReloadResult result, Map<String, @Nullable Object> values) {
			return new ReloadDescriptor(result.startedAt(), lowerCase(result.trigger()), lowerCase(result.outcome()),
					result.version(), result.previousVersion(), result.duration(), result.writtenAt(), result.lag(),
					new TreeSet<>(result.added()), new TreeSet<>(result.changed()), new TreeSet<>(result.removed()),
					values, new TreeSet<>(result.notRebound()), new TreeSet<>(result.restartKeys()), result.consumers(),
					result.error(), result.verification());
		}

	}

}
