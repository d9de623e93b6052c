package io.configlag.autoconfigure;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

import io.configlag.autoconfigure.ConfigReloadObservationDocumentation.HighCardinalityKeyNames;
import io.configlag.autoconfigure.ConfigReloadObservationDocumentation.LowCardinalityKeyNames;

/**
 * The {@link ObservationConvention} of the {@code config.reload} observation. Its keys
 * never carry a property key or value.
 *
 * @author config-lag
 */
final class DefaultConfigReloadObservationConvention implements ObservationConvention<ConfigReloadObservationContext> {

	static final String NAME = "config.reload";

	private static final String UNKNOWN = "unknown";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ConfigReloadObservationContext context) {
		return "config reload";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ConfigReloadObservationContext context) {
		ConfigReloadResult result = context.getResult();
		String outcome = (result != null) ? lowerCase(result.outcome()) : UNKNOWN;
		return KeyValues.of(KeyValue.of(LowCardinalityKeyNames.OUTCOME, outcome),
				KeyValue.of(LowCardinalityKeyNames.TRIGGER, lowerCase(context.getTrigger())));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ConfigReloadObservationContext context) {
		ConfigReloadResult result = context.getResult();
		return (result != null) ? KeyValues.of(KeyValue.of(HighCardinalityKeyNames.VERSION, result.version()))
				: KeyValues.empty();
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ConfigReloadObservationContext;
	}

	private static String lowerCase(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
