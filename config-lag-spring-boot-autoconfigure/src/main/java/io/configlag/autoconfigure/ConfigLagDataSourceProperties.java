package io.configlag.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for what config-lag does with Spring Boot's auto-configured
 * Hikari {@code DataSource} when its credentials are rotated.
 *
 * @author The config-lag developers
 */
@ConfigurationProperties("config.lag.datasource")
public class ConfigLagDataSourceProperties {

	/**
	 * Whether to evict the pool's idle connections as soon as rotated credentials reach
	 * it, so that it reconnects with them at once (connections in use are evicted when
	 * they return to the pool) instead of keeping them until it retires them.
	 */
	private boolean evictIdleConnections;

	public boolean isEvictIdleConnections() {
		return this.evictIdleConnections;
	}

	public void setEvictIdleConnections(boolean evictIdleConnections) {
		this.evictIdleConnections = evictIdleConnections;
	}

}
