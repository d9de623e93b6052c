package io.configlag.reload;

import java.util.function.Supplier;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadTrigger;

/**
 * Runs one reload; a hook that observability wraps around the reload (for example with a
 * Micrometer {@code Observation}).
 *
 * @author The config-lag developers
 */
@FunctionalInterface
public interface ReloadExecution {

	/**
	 * Runs the reload as it is, without observing it.
	 */
	ReloadExecution DIRECT = (trigger, reload) -> reload.get();

	/**
	 * Run the given reload.
	 * @param trigger what started it
	 * @param reload the reload
	 * @return its result
	 */
	ConfigReloadResult execute(ReloadTrigger trigger, Supplier<ConfigReloadResult> reload);

}
