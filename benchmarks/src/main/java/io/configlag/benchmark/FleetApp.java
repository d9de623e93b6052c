package io.configlag.benchmark;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * One instance of the fleet: the starter and actuator, and a health indicator that
 * follows {@code fleet.healthy} (a valid value that breaks the application, as a wrong
 * downstream URL would).
 *
 * @author The config-lag developers
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableConfigurationProperties(FleetApp.FleetProperties.class)
public class FleetApp {

	@Bean
	HealthIndicator fleetHealthIndicator(FleetProperties fleet) {
		return () -> fleet.isHealthy() ? Health.up().build() : Health.down().withDetail("fleet.healthy", false).build();
	}

	/**
	 * The settings the fleet's versions change.
	 */
	@ConfigurationProperties("fleet")
	public static class FleetProperties {

		private boolean healthy = true;

		private String message = "";

		public boolean isHealthy() {
			return this.healthy;
		}

		public void setHealthy(boolean healthy) {
			this.healthy = healthy;
		}

		public String getMessage() {
			return this.message;
		}

		public void setMessage(String message) {
			this.message = message;
		}

	}

}
