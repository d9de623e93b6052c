package io.configlag.actuate.endpoint;

import java.util.Set;

import io.configlag.actuate.endpoint.ConfigReloadEndpoint.ConfigReloadDescriptor;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the
 * {@link ConfigReloadEndpoint}: over HTTP, {@code show-values=when-authorized} shows
 * values only to an authenticated user in one of the configured roles. It has no write
 * operation of its own: an operation with a {@code SecurityContext} parameter would be
 * mapped for JSON request bodies only, next to the endpoint's, so the endpoint's write
 * operation decides alone (see {@link ConfigReloadEndpoint#reload()}).
 *
 * @author The config-lag developers
 */
@EndpointWebExtension(endpoint = ConfigReloadEndpoint.class)
public class ConfigReloadEndpointWebExtension {

	private final ConfigReloadEndpoint delegate;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Create a new web extension.
	 * @param delegate the endpoint
	 * @param showValues when to show unsanitized values
	 * @param roles the roles that may see unsanitized values when authorized
	 */
	public ConfigReloadEndpointWebExtension(ConfigReloadEndpoint delegate, Show showValues, Set<String> roles) {
		this.delegate = delegate;
		this.showValues = showValues;
		this.roles = roles;
	}

	/**
	 * Describe the applied version and the last reloads.
	 * @param securityContext the security context
	 * @return the description
	 */
	@ReadOperation
	public ConfigReloadDescriptor configReload(SecurityContext securityContext) {
		return this.delegate.describe(this.showValues.isShown(securityContext, this.roles));
	}

}
