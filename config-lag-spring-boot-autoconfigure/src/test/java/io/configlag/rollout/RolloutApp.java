package io.configlag.rollout;

import io.configlag.test.ReloadEvents;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application whose health follows {@code app.healthy}: its {@code app} health
 * indicator reads the rebound {@link AppProperties} bean.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RolloutApp.AppProperties.class)
class RolloutApp {

	@Bean
	HealthIndicator appHealthIndicator(AppProperties app) {
		return () -> app.isHealthy() ? Health.up().build() : Health.down().withDetail("app.healthy", false).build();
	}

	@Bean
	ReloadEvents reloadEvents() {
		return new ReloadEvents();
	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String name = "";

		private boolean healthy = true;

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		boolean isHealthy() {
			return this.healthy;
		}

		void setHealthy(boolean healthy) {
			this.healthy = healthy;
		}

	}

}
