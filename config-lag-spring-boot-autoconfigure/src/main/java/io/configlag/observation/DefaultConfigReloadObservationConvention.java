package io.configlag.observation;

import java.util.Locale;

import io.configlag.ConfigReloadResult;
import io.configlag.observation.ConfigReloadObservationDocumentation.HighCardinalityKeyNames;
import io.configlag.observation.ConfigReloadObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of the {@code config.reload} observation. Its keys
 * never carry a property key or value.
 *
 * @author The config-lag developers
 */
public final class DefaultConfigReloadObservationConvention
		implements ObservationConvention<ConfigReloadObservationContext> {

	/**
	 * The name of the observation.
	 */
	public static final String NAME = "config.reload";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ConfigReloadObservationContext context) {
		return "config reload";
	}

	/**
	 * Return the {@code trigger} and, once the reload finished, the {@code outcome}.
	 * While it runs the outcome is not known, so that the long task timer of reloads in
	 * progress ({@code config.reload.active}) is tagged with the trigger only.
	 * @param context the context
	 * @return the key values
	 */
	@Override
	public KeyValues getLowCardinalityKeyValues(ConfigReloadObservationContext context) {
		String trigger = lowerCase(context.getTrigger());
		KeyValues keyValues = KeyValues.of(KeyValue.of(LowCardinalityKeyNames.TRIGGER, trigger));
		ConfigReloadResult result = context.getResult();
		if (result == null) {
			return keyValues;
		}
		return keyValues.and(KeyValue.of(LowCardinalityKeyNames.OUTCOME, lowerCase(result.outcome())));
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
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
