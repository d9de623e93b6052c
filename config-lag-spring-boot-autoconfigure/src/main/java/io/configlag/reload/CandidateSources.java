package io.configlag.reload;

import java.util.ArrayList;
import java.util.List;

import io.configlag.mount.ConfigSnapshot;
import io.configlag.mount.MountedConfigPropertySource;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * The property sources a new version is bound and validated against before it goes live:
 * the {@code Environment}'s own sources with the mounted source replaced by a second,
 * candidate {@link MountedConfigPropertySource} that holds the new snapshot.
 * <p>
 * Both the candidate source and the list are kept from one reload to the next, and the
 * list is rebuilt only when the {@code Environment}'s sources change, so that the
 * adapters Spring Boot builds for them (and the binder over them) are built once rather
 * than at every reload. Reloads are serialised, so this class is not thread-safe.
 *
 * @author The config-lag developers
 */
public final class CandidateSources {

	private static final String ATTACHED_SOURCE_NAME = "configurationProperties";

	private final ConfigurableEnvironment environment;

	private @Nullable MountedConfigPropertySource candidate;

	private List<PropertySource<?>> basis = List.of();

	private @Nullable MutablePropertySources sources;

	public CandidateSources(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * Return the candidate sources holding the given snapshot. The returned object is the
	 * same for as long as the {@code Environment}'s sources are.
	 * @param next the snapshot to bind against
	 * @return the candidate property sources
	 */
	public MutablePropertySources of(ConfigSnapshot next) {
		MountedConfigPropertySource candidate = this.candidate;
		if (candidate == null) {
			candidate = new MountedConfigPropertySource(next);
			this.candidate = candidate;
		}
		else {
			candidate.publish(next);
		}
		MutablePropertySources live = this.environment.getPropertySources();
		MutablePropertySources sources = this.sources;
		if (sources == null || !sameSources(live)) {
			sources = new MutablePropertySources(live);
			sources.remove(ATTACHED_SOURCE_NAME);
			sources.replace(MountedConfigPropertySource.NAME, candidate);
			this.sources = sources;
			this.basis = new ArrayList<>(live.stream().toList());
		}
		return sources;
	}

	private boolean sameSources(MutablePropertySources live) {
		int i = 0;
		for (PropertySource<?> source : live) {
			if (i >= this.basis.size() || this.basis.get(i++) != source) {
				return false;
			}
		}
		return i == this.basis.size();
	}

}
