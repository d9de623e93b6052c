package io.configlag.benchmark;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application of the refresh-cost section: the starter, web and actuator, and the
 * generated {@code @ConfigurationProperties} and {@code @RefreshScope} beans of
 * {@link GeneratedBeans}.
 *
 * @author The config-lag developers
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class RefreshCostApp {

	@Bean
	static GeneratedBeans generatedBeans() {
		return new GeneratedBeans();
	}

	@Bean
	ReloadEvents reloadEvents() {
		return new ReloadEvents();
	}

}
