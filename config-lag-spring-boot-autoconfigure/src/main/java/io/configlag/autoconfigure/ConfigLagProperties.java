package io.configlag.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.configlag.reload.RestartKeys;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for config-lag: which mounted files and directories to load
 * into the {@code Environment} and how to watch them for changes.
 *
 * @author The config-lag developers
 */
@ConfigurationProperties("config.lag")
public class ConfigLagProperties {

	/**
	 * Whether to load the configured paths into the Environment and apply their changes
	 * live.
	 */
	private boolean enabled = true;

	/**
	 * Files or directories to load, typically ConfigMap or Secret volume mounts. A
	 * directory is read like a mounted volume: '*.yaml', '*.yml' and '*.properties' files
	 * are parsed, any other file is a config-tree entry (file name = key, content =
	 * value). A path that may be absent is written 'optional:/path'; it is watched until
	 * it appears. Later paths override earlier ones.
	 */
	private List<String> paths = new ArrayList<>();

	/**
	 * Where the mounted configuration sits among the Environment's property sources.
	 */
	private Precedence precedence = Precedence.EXTERNAL_CONFIG;

	/**
	 * Largest file that is read; a larger file rejects the whole update.
	 */
	private DataSize maxFileSize = DataSize.ofMegabytes(1);

	/**
	 * What to do when a change reaches beans that cannot take it live (live resources,
	 * singletons that had a constructor-bound @ConfigurationProperties bean injected
	 * directly): 'refresh' applies what can be applied and reports the rest, 'exit' marks
	 * the liveness state broken so that Kubernetes restarts the pod, 'restart' closes the
	 * application context and runs the SpringApplication again in-process ('exit' for a
	 * context not started by a SpringApplication).
	 */
	private Strategy strategy = Strategy.REFRESH;

	/**
	 * Upper bound of the random delay before the 'exit' or 'restart' strategy acts, so
	 * that replicas that all received the same change do not restart at once.
	 */
	private Duration restartDelay = Duration.ofMinutes(1);

	/**
	 * File watching.
	 */
	private final Watch watch = new Watch();

	/**
	 * Rebinding of @ConfigurationProperties beans.
	 */
	private final Reload reload = new Reload();

	/**
	 * Rollout of a new version over the fleet: spread and verification.
	 */
	private final Rollout rollout = new Rollout();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getPaths() {
		return this.paths;
	}

	public void setPaths(List<String> paths) {
		this.paths = paths;
	}

	public Precedence getPrecedence() {
		return this.precedence;
	}

	public void setPrecedence(Precedence precedence) {
		this.precedence = precedence;
	}

	public DataSize getMaxFileSize() {
		return this.maxFileSize;
	}

	public void setMaxFileSize(DataSize maxFileSize) {
		this.maxFileSize = maxFileSize;
	}

	public Strategy getStrategy() {
		return this.strategy;
	}

	public void setStrategy(Strategy strategy) {
		this.strategy = strategy;
	}

	public Duration getRestartDelay() {
		return this.restartDelay;
	}

	public void setRestartDelay(Duration restartDelay) {
		this.restartDelay = restartDelay;
	}

	public Watch getWatch() {
		return this.watch;
	}

	public Reload getReload() {
		return this.reload;
	}

	public Rollout getRollout() {
		return this.rollout;
	}

	/**
	 * Rollout settings.
	 */
	public static class Rollout {

		/**
		 * Upper bound of the random delay before a version found by watching or polling
		 * is applied, so that replicas that receive it together apply it at different
		 * moments (zero applies at once).
		 */
		private Duration spread = Duration.ZERO;

		/**
		 * How long the application's health is watched after a version is applied, to
		 * roll the version back if health was UP before and leaves UP (zero turns
		 * verification off).
		 */
		private Duration verifyFor = Duration.ZERO;

		/**
		 * Health group whose status is verified, such as 'readiness'; empty for the
		 * overall health.
		 */
		private String healthGroup = "";

		/**
		 * Time between two health checks while a newly applied version is verified.
		 */
		private Duration checkInterval = Duration.ofSeconds(1);

		public Duration getSpread() {
			return this.spread;
		}

		public void setSpread(Duration spread) {
			this.spread = spread;
		}

		public Duration getVerifyFor() {
			return this.verifyFor;
		}

		public void setVerifyFor(Duration verifyFor) {
			this.verifyFor = verifyFor;
		}

		public String getHealthGroup() {
			return this.healthGroup;
		}

		public void setHealthGroup(String healthGroup) {
			this.healthGroup = healthGroup;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	/**
	 * Rebinding settings.
	 */
	public static class Reload {

		/**
		 * Fully qualified names of the classes (or their superclasses or interfaces)
		 * whose configuration properties beans are live resources that are never rebound,
		 * so that changes to their keys require a restart.
		 */
		private List<String> neverRebind = new ArrayList<>(List.of("com.zaxxer.hikari.HikariDataSource"));

		/**
		 * Keys that the application reads only when it starts, so that a change to them
		 * is reported as requiring a restart even when a bean was rebound ('name' or
		 * 'name.*' for the name and everything below it).
		 */
		private List<String> restartKeys = new ArrayList<>(RestartKeys.DEFAULT_RESTART_KEYS);

		/**
		 * Keys that the application reads from the Environment each time it uses them, so
		 * that a change to them is in effect once it is in the Environment ('name' or
		 * 'name.*' for the name and everything below it).
		 */
		private List<String> liveKeys = new ArrayList<>();

		public List<String> getNeverRebind() {
			return this.neverRebind;
		}

		public void setNeverRebind(List<String> neverRebind) {
			this.neverRebind = neverRebind;
		}

		public List<String> getRestartKeys() {
			return this.restartKeys;
		}

		public void setRestartKeys(List<String> restartKeys) {
			this.restartKeys = restartKeys;
		}

		public List<String> getLiveKeys() {
			return this.liveKeys;
		}

		public void setLiveKeys(List<String> liveKeys) {
			this.liveKeys = liveKeys;
		}

	}

	/**
	 * File watching settings.
	 */
	public static class Watch {

		/**
		 * How changes are detected: 'auto' uses the operating system's file events where
		 * the JDK supports them natively (Linux) and polling elsewhere.
		 */
		private WatchMode mode = WatchMode.AUTO;

		/**
		 * Time between two metadata checks when file system events are not used (polling
		 * mode, or native watching unavailable).
		 */
		private Duration pollInterval = Duration.ofMillis(500);

		/**
		 * How long plain (non-atomic) writes must have stopped before the files are read;
		 * a Kubernetes '..data' swap is applied at once.
		 */
		private Duration quietPeriod = Duration.ofMillis(100);

		/**
		 * Time between two metadata checks (stat only, no file read) while file system
		 * events are used, which catch what events miss and re-establish the watch.
		 */
		private Duration checkInterval = Duration.ofSeconds(1);

		public WatchMode getMode() {
			return this.mode;
		}

		public void setMode(WatchMode mode) {
			this.mode = mode;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getQuietPeriod() {
			return this.quietPeriod;
		}

		public void setQuietPeriod(Duration quietPeriod) {
			this.quietPeriod = quietPeriod;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	/**
	 * How changes to the watched paths are detected.
	 */
	public enum WatchMode {

		/**
		 * Native where the JDK's watch service is native, polling elsewhere.
		 */
		AUTO,

		/**
		 * File system events through the JDK's {@link java.nio.file.WatchService}.
		 */
		NATIVE,

		/**
		 * Periodic comparison of file metadata.
		 */
		POLLING

	}

	/**
	 * What to do when a change cannot be applied live.
	 */
	public enum Strategy {

		/**
		 * Apply what can be applied and report the rest.
		 */
		REFRESH,

		/**
		 * Restart the application context in-process.
		 */
		RESTART,

		/**
		 * Mark the liveness state broken, so that Kubernetes restarts the pod.
		 */
		EXIT

	}

	/**
	 * Where the mounted configuration sits among the Environment's property sources.
	 */
	public enum Precedence {

		/**
		 * Above every other source, command-line arguments included.
		 */
		OVERRIDE,

		/**
		 * Like an external config file: below command-line arguments, Java system
		 * properties and OS environment variables, above every application.yaml and
		 * application.properties.
		 */
		EXTERNAL_CONFIG,

		/**
		 * Below every application.yaml and application.properties: values are defaults
		 * that the packaged configuration overrides.
		 */
		FALLBACK

	}

}
