package io.configlag.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration properties for the {@code configReload} health indicator.
 *
 * @author The config-lag developers
 */
@ConfigurationProperties("management.health.configreload")
public class ConfigReloadHealthIndicatorProperties {

	/**
	 * Health status reported while the last reload was rejected, that is while the files
	 * on disk hold a version that is not applied and the previous version stays in
	 * effect. 'UP' keeps the instance in service, so that a bad ConfigMap pushed to every
	 * replica does not take the whole fleet down. 'OUT_OF_SERVICE' or 'DOWN' take it out
	 * of service. A custom status such as 'STALE' must also be added to
	 * 'management.endpoint.health.status.order' (and to its 'http-mapping' if it should
	 * not answer 200).
	 */
	private String rejectedStatus = "UP";

	public String getRejectedStatus() {
		return this.rejectedStatus;
	}

	public void setRejectedStatus(String rejectedStatus) {
		Assert.hasText(rejectedStatus, "'rejectedStatus' must not be empty");
		this.rejectedStatus = rejectedStatus;
	}

}
