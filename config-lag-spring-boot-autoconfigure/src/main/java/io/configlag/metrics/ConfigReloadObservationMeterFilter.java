package io.configlag.metrics;

import java.util.Map;

import io.configlag.observation.DefaultConfigReloadObservationConvention;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * {@link MeterFilter} that describes the meters that Micrometer derives from the
 * {@code config.reload} observation (which have no description of their own), so that
 * their Prometheus {@code HELP} text says what they measure.
 *
 * @author The config-lag developers
 */
public final class ConfigReloadObservationMeterFilter implements MeterFilter {

	private static final Map<String, String> DESCRIPTIONS = Map.of(DefaultConfigReloadObservationConvention.NAME,
			"Reloads of the mounted configuration, by outcome and trigger",
			DefaultConfigReloadObservationConvention.NAME + ".active",
			"Reloads of the mounted configuration in progress");

	@Override
	public Meter.Id map(Meter.Id id) {
		String description = DESCRIPTIONS.get(id.getName());
		if (description == null || id.getDescription() != null) {
			return id;
		}
		return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
	}

}
