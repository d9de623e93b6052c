package io.configlag.benchmark;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.annotation.Bean;

/**
 * The application of the lag, scale and idle sections: the starter, web and actuator, one
 * {@code @ConfigurationProperties} bean and one {@code @RefreshScope} bean that both
 * carry {@code bench.stamp}.
 *
 * @author The config-lag developers
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableConfigurationProperties(LagApp.StampProperties.class)
public class LagApp {

	@Bean
	@RefreshScope
	StampService stampService(@Value("${bench.stamp:none}") String stamp) {
		return new StampService(stamp);
	}

	@Bean
	ReloadEvents reloadEvents() {
		return new ReloadEvents();
	}

	/**
	 * {@code @ConfigurationProperties} bean carrying the stamp.
	 */
	@ConfigurationProperties("bench")
	public static class StampProperties {

		private String stamp = "none";

		private String message = "";

		public String getStamp() {
			return this.stamp;
		}

		public void setStamp(String stamp) {
			this.stamp = stamp;
		}

		public String getMessage() {
			return this.message;
		}

		public void setMessage(String message) {
			this.message = message;
		}

	}

	/**
	 * {@code @RefreshScope} bean built from the stamp; a new instance is created on first
	 * use after each refresh.
	 */
	public static class StampService {

		private final String stamp;

		StampService(String stamp) {
			this.stamp = stamp;
		}

		public String stamp() {
			return this.stamp;
		}

	}

}
