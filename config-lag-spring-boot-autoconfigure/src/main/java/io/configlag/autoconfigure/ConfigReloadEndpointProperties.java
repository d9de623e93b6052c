package io.configlag.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the
 * {@link io.configlag.actuate.endpoint.ConfigReloadEndpoint}, following those of the
 * {@code env} endpoint.
 *
 * @author The config-lag developers
 */
@ConfigurationProperties("management.endpoint.configreload")
public class ConfigReloadEndpointProperties {

	/**
	 * When to show the unsanitized values of the reloaded keys. Keys are always shown.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to be shown unsanitized
	 * values. When empty, all authenticated users are authorized.
	 */
	private final Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

}
