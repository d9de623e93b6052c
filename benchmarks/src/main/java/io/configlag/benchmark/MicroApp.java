package io.configlag.benchmark;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application of the JMH benchmarks: the starter (or, with it disabled, Spring Boot's
 * config data reading the same volume) and the generated {@code @ConfigurationProperties}
 * beans of {@link GeneratedBeans}, without web server and without any listener that would
 * keep each reload's result.
 *
 * @author The config-lag developers
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class MicroApp {

	@Bean
	static GeneratedBeans generatedBeans() {
		return new GeneratedBeans();
	}

}
