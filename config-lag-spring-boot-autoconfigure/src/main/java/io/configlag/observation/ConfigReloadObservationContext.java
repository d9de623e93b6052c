package io.configlag.observation;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadTrigger;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * {@link Observation.Context} of one reload: what started it and, once it finished, its
 * result.
 *
 * @author The config-lag developers
 */
final class ConfigReloadObservationContext extends Observation.Context {

	private final ReloadTrigger trigger;

	private volatile @Nullable ConfigReloadResult result;

	ConfigReloadObservationContext(ReloadTrigger trigger) {
		this.trigger = trigger;
	}

	ReloadTrigger getTrigger() {
		return this.trigger;
	}

	@Nullable ConfigReloadResult getResult() {
		return this.result;
	}

	void setResult(ConfigReloadResult result) {
		this.result = result;
	}

}
