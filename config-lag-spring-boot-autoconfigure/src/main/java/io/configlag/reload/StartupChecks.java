package io.configlag.reload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.configlag.ConfigReloadedEvent;
import io.configlag.autoconfigure.ConfigLagProperties.Strategy;
import io.configlag.mount.MountChecks;
import io.configlag.mount.WatchedPath;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationListener;

/**
 * Reports what will keep a change from reaching the application: {@code subPath} mounts,
 * paths outside a kubelet atomic volume, and {@code @ConfigurationProperties} beans bound
 * to mounted keys that cannot be rebound live. Each is logged as a WARN and kept for the
 * {@code configreload} endpoint. The checks run at startup and again after a reload that
 * finds a path of another kind than before (an empty {@code optional:} directory that the
 * kubelet populated, a directory replaced by a file), so that a warning never outlives
 * its cause.
 *
 * @author The config-lag developers
 */
public final class StartupChecks implements SmartInitializingSingleton, ApplicationListener<ConfigReloadedEvent> {

	private static final Log logger = LogFactory.getLog(StartupChecks.class);

	private final ConfigReloader reloader;

	private final Strategy strategy;

	private final Path mountInfo;

	private volatile List<String> warnings = List.of();

	private volatile List<String> kinds = List.of();

	public StartupChecks(ConfigReloader reloader, Strategy strategy, Path mountInfo) {
		this.reloader = reloader;
		this.strategy = strategy;
		this.mountInfo = mountInfo;
	}

	@Override
	public void afterSingletonsInstantiated() {
		check();
	}

	@Override
	public void onApplicationEvent(ConfigReloadedEvent event) {
		if (!MountChecks.kinds(this.reloader.getReader().getPaths()).equals(this.kinds)) {
			check();
		}
	}

	private synchronized void check() {
		List<WatchedPath> paths = this.reloader.getReader().getPaths();
		this.kinds = MountChecks.kinds(paths);
		List<String> warnings = new ArrayList<>(MountChecks.check(paths, this.mountInfo));
		Map<String, String> notRebindable = this.reloader.getRebinder()
			.notRebindable(this.reloader.current().properties().keySet());
		notRebindable.forEach((bean, prefix) -> warnings.add("Bean '" + bean + "' (prefix '" + prefix
				+ "') uses constructor binding, is a record or is a live resource:"
				+ " changes to its mounted keys cannot be applied live"
				+ ((this.strategy == Strategy.REFRESH)
						? " and are reported only (set config.lag.strategy=exit or restart to restart the application)"
						: "; config.lag.strategy=" + this.strategy.name().toLowerCase()
								+ " restarts the application")));
		for (String warning : warnings) {
			if (!this.warnings.contains(warning)) {
				logger.warn(warning);
			}
		}
		this.warnings = List.copyOf(warnings);
	}

	/**
	 * Return the problems found by the last check.
	 * @return the warnings
	 */
	public List<String> getWarnings() {
		return this.warnings;
	}

}
