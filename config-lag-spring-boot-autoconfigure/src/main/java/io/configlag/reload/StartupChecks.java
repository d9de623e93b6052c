package io.configlag.reload;

import io.configlag.mount.MountChecks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.configlag.autoconfigure.ConfigLagProperties.Strategy;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Reports, once at startup, what will keep a change from reaching the application:
 * {@code subPath} mounts, paths outside a kubelet atomic volume, and
 * {@code @ConfigurationProperties} beans bound to mounted keys that cannot be rebound
 * live. Each is logged as a WARN and kept for the {@code configreload} endpoint.
 *
 * @author config-lag
 */
public final class StartupChecks implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(StartupChecks.class);

	private final ConfigReloader reloader;

	private final Strategy strategy;

	private final Path mountInfo;

	private volatile List<String> warnings = List.of();

	public StartupChecks(ConfigReloader reloader, Strategy strategy, Path mountInfo) {
		this.reloader = reloader;
		this.strategy = strategy;
		this.mountInfo = mountInfo;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> warnings = new ArrayList<>(MountChecks.check(this.reloader.getReader().getPaths(), this.mountInfo));
		Map<String, String> notRebindable = this.reloader.getRebinder()
			.notRebindable(this.reloader.current().properties().keySet());
		notRebindable.forEach((bean, prefix) -> warnings.add("Bean '" + bean + "' (prefix '" + prefix
				+ "') uses constructor binding, is a record or is a live resource:"
				+ " changes to its mounted keys cannot be applied live"
				+ ((this.strategy == Strategy.REFRESH)
						? " and are reported only (set config.lag.strategy=exit or restart to restart the application)"
						: "; config.lag.strategy=" + this.strategy.name().toLowerCase() + " restarts the application")));
		for (String warning : warnings) {
			logger.warn(warning);
		}
		this.warnings = List.copyOf(warnings);
	}

	/**
	 * Return the problems found at startup.
	 * @return the warnings
	 */
	public List<String> getWarnings() {
		return this.warnings;
	}

}
