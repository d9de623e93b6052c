package io.configlag.cloud;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Keeps off what Spring Cloud Context, which config-lag depends on, would otherwise add
 * to an application uninvited: its {@code refresh} actuator endpoint, an unauthenticated
 * write operation that rebuilds every {@code @ConfigurationProperties} bean and the
 * refresh scope, would be exposed by {@code management.endpoints.web.exposure.include=*}
 * as soon as the starter is on the class path, even without {@code config.lag.paths}.
 * <p>
 * The default ({@code management.endpoint.refresh.access=none}) is added as the property
 * source of lowest precedence, so that any setting of the application's own turns the
 * endpoint back on. Spring Cloud's other write endpoints ({@code restart}, {@code pause},
 * {@code resume}, {@code env} POST) are already off by default.
 *
 * @author The config-lag developers
 */
public class SpringCloudDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * The name of the property source that holds the defaults.
	 */
	public static final String PROPERTY_SOURCE_NAME = "configLagSpringCloudDefaults";

	private static final String REFRESH_ENDPOINT = "org.springframework.cloud.endpoint.RefreshEndpoint";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (ClassUtils.isPresent(REFRESH_ENDPOINT, application.getClassLoader())
				&& !environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
						Map.of("management.endpoint.refresh.access", "none")));
		}
	}

}
