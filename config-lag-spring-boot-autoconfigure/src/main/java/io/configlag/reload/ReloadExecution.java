package io.configlag.reload;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadTrigger;

import java.util.function.Supplier;

/**
 * Runs one reload; a hook that observability wraps around the reload (for example with a
 * Micrometer {@code Observation}).
 *
 * @author config-lag
 */
@FunctionalInterface
public interface ReloadExecution {

	ReloadExecution DIRECT = (trigger, reload) -> reload.get();

	/**
	 * Run the given reload.
	 * @param trigger what started it
	 * @param reload the reload
	 * @return its result
	 */
	ConfigReloadResult execute(ReloadTrigger trigger, Supplier<ConfigReloadResult> reload);

}
