package io.configlag.reload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerGroup;
import org.springframework.boot.logging.LoggerGroups;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.Environment;

/**
 * Applies changed {@code logging.level.*} keys to the {@link LoggingSystem}, including
 * logger groups. A removed key puts the logger back to inheriting its level (or to the
 * level another property source still gives it).
 *
 * @author The config-lag developers
 */
public final class LoggingLevelUpdater implements ReloadApplier {

	private static final Log logger = LogFactory.getLog(LoggingLevelUpdater.class);

	static final String PREFIX = "logging.level.";

	private final Environment environment;

	private final @Nullable LoggingSystem loggingSystem;

	private final @Nullable LoggerGroups loggerGroups;

	public LoggingLevelUpdater(Environment environment, ListableBeanFactory beanFactory) {
		this.environment = environment;
		this.loggingSystem = beanFactory.containsBean(LoggingApplicationListener.LOGGING_SYSTEM_BEAN_NAME)
				? beanFactory.getBean(LoggingApplicationListener.LOGGING_SYSTEM_BEAN_NAME, LoggingSystem.class) : null;
		this.loggerGroups = beanFactory.containsBean(LoggingApplicationListener.LOGGER_GROUPS_BEAN_NAME)
				? beanFactory.getBean(LoggingApplicationListener.LOGGER_GROUPS_BEAN_NAME, LoggerGroups.class) : null;
	}

	/**
	 * Apply the levels of the given keys as the environment now has them.
	 * @param keys changed keys; those not under {@code logging.level.} are ignored
	 * @param consumers where to record the keys applied
	 */
	@Override
	public void apply(Set<String> keys, LiveConsumers consumers) {
		if (this.loggingSystem == null) {
			return;
		}
		List<String> applied = new ArrayList<>();
		for (String key : keys) {
			if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
				String name = key.substring(PREFIX.length());
				String value = this.environment.getProperty(key);
				LogLevel level = (value != null) ? parse(key, value) : null;
				if (value == null || level != null) {
					setLevel(name, level);
					applied.add(key);
				}
			}
		}
		consumers.took("logging", applied);
	}

	private void setLevel(String name, @Nullable LogLevel level) {
		LoggingSystem system = this.loggingSystem;
		LoggerGroup group = (this.loggerGroups != null) ? this.loggerGroups.get(name) : null;
		if (group != null && group.hasMembers()) {
			group.configureLogLevel(level, system::setLogLevel);
			return;
		}
		boolean root = LoggingSystem.ROOT_LOGGER_NAME.equalsIgnoreCase(name);
		system.setLogLevel(root ? null : name, (root && level == null) ? LogLevel.INFO : level);
	}

	private static @Nullable LogLevel parse(String key, String value) {
		String trimmed = value.trim();
		if ("false".equalsIgnoreCase(trimmed)) {
			return LogLevel.OFF;
		}
		try {
			return LogLevel.valueOf(trimmed.toUpperCase(Locale.ENGLISH));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Ignoring '" + key + "': not a log level");
			return null;
		}
	}

}
