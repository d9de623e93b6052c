package io.configlag.samples.featureflags;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Sample application: feature flags read from a mounted ConfigMap ({@code config.yaml})
 * and applied live by config-lag, without a restart.
 *
 * @author The config-lag developers
 */
@SpringBootApplication
@EnableConfigurationProperties({ FlagsProperties.class, DownstreamProperties.class })
public class FeatureFlagsApplication {

	public static void main(String[] args) {
		SpringApplication.run(FeatureFlagsApplication.class, args);
	}

}
