package io.configlag.reload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * paths outside a kubelet atomic volume, {@code @ConfigurationProperties} beans bound to
 * mounted keys that cannot be rebound live, and the singletons that had a
 * constructor-bound one injected directly (they keep the instance they were given). Each
 * is logged as a WARN and kept for the {@code configreload} endpoint. The checks run at
 * startup and again after a reload that finds a path of another kind than before (an
 * empty {@code optional:} directory that the kubelet populated, a directory replaced by a
 * file), so that a warning never outlives its cause.
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
		Set<String> keys = this.reloader.current().properties().keySet();
		Map<String, String> notRebindable = this.reloader.getRebinder().notRebindable(keys);
		notRebindable.forEach((bean, prefix) -> warnings.add("Bean '" + bean + "' (prefix '" + prefix
				+ "') is a live resource or cannot be bound again:"
				+ " changes to its mounted keys cannot be applied live"
				+ ((this.strategy == Strategy.REFRESH)
						? " and are reported only (set config.lag.strategy=exit or restart to restart the application)"
						: "; config.lag.strategy=" + this.strategy.name().toLowerCase()
								+ " restarts the application")));
		this.reloader.getRebinder()
			.directConsumers(keys)
			.forEach((bean,
					consumers) -> warnings.add("Bean '" + bean
							+ "' is constructor-bound and was injected directly into " + consumers
							+ ", which keep the instance they were given: changes to its mounted keys reach them only"
							+ " after a restart (inject ObjectProvider<T> and call getObject() where the value is used,"
							+ " or make them @RefreshScope)"));
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
