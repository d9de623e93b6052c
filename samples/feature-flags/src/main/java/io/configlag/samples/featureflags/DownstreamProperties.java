package io.configlag.samples.featureflags;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Credentials read from the mounted Secret: each Secret key is a file whose name is the
 * property name ({@code downstream.api-token}) and whose content is the value. Rotating
 * the Secret updates this bean live, like the ConfigMap; the value is never logged nor
 * served.
 *
 * @author The config-lag developers
 */
@ConfigurationProperties("downstream")
public class DownstreamProperties {

	/**
	 * Token sent to the downstream service.
	 */
	private String apiToken;

	public String getApiToken() {
		return this.apiToken;
	}

	public void setApiToken(String apiToken) {
		this.apiToken = apiToken;
	}

	@Override
	public String toString() {
		return "DownstreamProperties[apiToken=" + ((this.apiToken != null) ? "******" : "null") + "]";
	}

}
