package io.configlag.mount;

import java.util.Arrays;
import java.util.Set;

import io.configlag.autoconfigure.ConfigLagProperties.Precedence;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.env.PropertySourceInfo;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The property source holding the current {@link ConfigSnapshot}. The source itself lives
 * as long as the application: a reload {@link #publish publishes} the next snapshot into
 * it, and every lookup reads one snapshot, so a reader sees one version or the other,
 * never a mix within a lookup.
 * <p>
 * Staying the same object matters for cost. Spring Boot adapts every property source once
 * and caches the
 * {@link org.springframework.boot.context.properties.source.ConfigurationPropertyName}
 * mapping of its property names; replacing the source at every reload threw that cache
 * away and rebuilt it for every key of every file. This source is therefore not
 * {@linkplain #isImmutable() immutable}, and {@link #getPropertyNames()} returns the very
 * same array for as long as the names are the same, which is how Boot's adapter tells in
 * constant time that its mapping is still valid. When keys are added, Boot maps only the
 * new ones.
 *
 * @author The config-lag developers
 */
public final class MountedConfigPropertySource extends EnumerablePropertySource<ConfigSnapshot>
		implements OriginLookup<String>, PropertySourceInfo {

	/**
	 * The name of the property source in the {@code Environment}.
	 */
	public static final String NAME = "configLag";

	private static final Set<String> ABOVE_EXTERNAL_CONFIG = Set.of(
			StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
			StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, "random", "cachedrandom");

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	private volatile Published published;

	/**
	 * Create a source holding the given snapshot.
	 * @param snapshot the first snapshot
	 */
	public MountedConfigPropertySource(ConfigSnapshot snapshot) {
		super(NAME, snapshot);
		this.published = new Published(snapshot, snapshot.names());
	}

	/**
	 * Return a property's value, unwrapped from its {@link OriginTrackedValue} exactly as
	 * {@link org.springframework.boot.env.OriginTrackedMapPropertySource#getProperty}
	 * does: the stored value is returned and nothing is allocated.
	 */
	@Override
	public @Nullable Object getProperty(String name) {
		Object value = this.published.snapshot().properties().get(name);
		return (value instanceof OriginTrackedValue tracked) ? tracked.getValue() : value;
	}

	@Override
	public boolean containsProperty(String name) {
		return this.published.snapshot().properties().containsKey(name);
	}

	@Override
	public String[] getPropertyNames() {
		return this.published.names();
	}

	@Override
	public @Nullable Origin getOrigin(String name) {
		return (this.published.snapshot().properties().get(name) instanceof OriginProvider provider)
				? provider.getOrigin() : null;
	}

	@Override
	public boolean isImmutable() {
		return false;
	}

	/**
	 * Return the snapshot this source currently holds.
	 * @return the current snapshot
	 */
	@Override
	public ConfigSnapshot getSource() {
		return this.published.snapshot();
	}

	/**
	 * Return the snapshot this source currently holds.
	 * @return the current snapshot
	 */
	public ConfigSnapshot getSnapshot() {
		return this.published.snapshot();
	}

	/**
	 * Make the given snapshot the one every lookup reads.
	 * @param snapshot the snapshot
	 * @return what was published before, for {@link #restore}
	 */
	public Published publish(ConfigSnapshot snapshot) {
		Published previous = this.published;
		String[] names = snapshot.names();
		// The same array for the same names keeps Spring Boot's name mapping valid
		this.published = new Published(snapshot, Arrays.equals(previous.names(), names) ? previous.names() : names);
		return previous;
	}

	/**
	 * Put back what {@link #publish} replaced.
	 * @param previous the value {@code publish} returned
	 */
	public void restore(Published previous) {
		this.published = previous;
	}

	/**
	 * Return the mounted source of an environment.
	 * @param environment the environment
	 * @return the source or {@code null} if it has none
	 */
	public static @Nullable MountedConfigPropertySource get(ConfigurableEnvironment environment) {
		PropertySource<?> source = environment.getPropertySources().get(NAME);
		return (source instanceof MountedConfigPropertySource mounted) ? mounted : null;
	}

	/**
	 * Add the source at the given precedence.
	 * @param environment the environment
	 * @param precedence where the source goes
	 */
	public void addTo(ConfigurableEnvironment environment, Precedence precedence) {
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

	/**
	 * A snapshot as published, with the property names array handed to Spring Boot.
	 *
	 * @param snapshot the snapshot
	 * @param names its property names
	 */
	public record Published(ConfigSnapshot snapshot, String[] names) {

	}

}
