package io.configlag.cloud;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.logging.LoggingRebinder;

/**
 * Spring Cloud's {@link LoggingRebinder}, except for the {@link EnvironmentChangeEvent}s
 * a config-lag reload publishes: the reload already applied exactly the
 * {@code logging.level.*} keys that changed (including removed keys and logger groups),
 * and rebinding every level on every reload was 29% of a reload's CPU time in the
 * benchmark. The events of a reload are those whose source is a
 * {@link RefreshScopeApplier}. Every other {@code EnvironmentChangeEvent} is handled as
 * before.
 *
 * @author The config-lag developers
 */
public class ConfigLagLoggingRebinder extends LoggingRebinder {

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (!(event.getSource() instanceof RefreshScopeApplier)) {
			super.onApplicationEvent(event);
		}
	}

}
