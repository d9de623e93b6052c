package io.configlag.autoconfigure;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.configlag.autoconfigure.ConfigLagProperties.Precedence;

import org.springframework.boot.env.PropertySourceInfo;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The property source holding one {@link ConfigSnapshot}. It is immutable: a reload
 * replaces the whole source in the {@code Environment}, so a reader sees one version or
 * the other, never a mix.
 *
 * @author config-lag
 */
final class MountedConfigPropertySource extends MapPropertySource
		implements OriginLookup<String>, PropertySourceInfo {

	/**
	 * The name of the property source in the {@code Environment}.
	 */
	static final String NAME = "configLag";

	private static final Set<String> ABOVE_EXTERNAL_CONFIG = Set.of(
			StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
			StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, "random", "cachedrandom");

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	private final ConfigSnapshot snapshot;

	MountedConfigPropertySource(ConfigSnapshot snapshot) {
		super(NAME, snapshot.properties());
		this.snapshot = snapshot;
	}

	@Override
	public @Nullable Object getProperty(String name) {
		return MountedValue.unwrap(super.getProperty(name));
	}

	@Override
	public @Nullable Origin getOrigin(String name) {
		return MountedValue.originOf(super.getProperty(name));
	}

	@Override
	public boolean isImmutable() {
		return true;
	}

	ConfigSnapshot getSnapshot() {
		return this.snapshot;
	}

	static @Nullable MountedConfigPropertySource get(ConfigurableEnvironment environment) {
		PropertySource<?> source = environment.getPropertySources().get(NAME);
		return (source instanceof MountedConfigPropertySource mounted) ? mounted : null;
	}

	/**
	 * Add the source at the given precedence.
	 * @param environment the environment
	 * @param precedence where the source goes
	 */
	void addTo(ConfigurableEnvironment environment, Precedence precedence) {
		MutablePropertySources sources = environment.getPropertySources();
		switch (precedence) {
			case OVERRIDE -> sources.addFirst(this);
			case FALLBACK -> {
				if (sources.contains(DEFAULT_PROPERTIES)) {
					sources.addBefore(DEFAULT_PROPERTIES, this);
				}
				else {
					sources.addLast(this);
				}
			}
			case EXTERNAL_CONFIG -> {
				String after = null;
				for (PropertySource<?> source : sources) {
					if (ABOVE_EXTERNAL_CONFIG.contains(source.getName())) {
						after = source.getName();
					}
				}
				if (after != null) {
					sources.addAfter(after, this);
				}
				else {
					sources.addFirst(this);
				}
			}
		}
	}

}
