package io.configlag.observation;

import java.util.function.Supplier;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadTrigger;
import io.configlag.reload.ReloadExecution;
import io.micrometer.observation.ObservationRegistry;

/**
 * {@link ReloadExecution} that runs each reload in a {@code config.reload} Micrometer
 * observation, which gives a timer per outcome and trigger and a tracing span.
 *
 * @author The config-lag developers
 */
public final class ObservedReloadExecution implements ReloadExecution {

	private final DefaultConfigReloadObservationConvention convention = new DefaultConfigReloadObservationConvention();

	private final ObservationRegistry registry;

	public ObservedReloadExecution(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public ConfigReloadResult execute(ReloadTrigger trigger, Supplier<ConfigReloadResult> reload) {
		ConfigReloadObservationContext context = new ConfigReloadObservationContext(trigger);
		return ConfigReloadObservationDocumentation.CONFIG_RELOAD
			.observation(null, this.convention, () -> context, this.registry)
			.observe(() -> {
				ConfigReloadResult result = reload.get();
				context.setResult(result);
				return result;
			});
	}

}
