package io.configlag.autoconfigure;

import io.configlag.mount.MountedConfigPropertySource;
import io.configlag.mount.MountedConfigReader;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Adds the mounted configuration to the {@code Environment} before any bean is created,
 * when {@link ConfigLagEnvironmentPostProcessor} did not (a context not started through
 * {@code SpringApplication}, or {@code config.lag.paths} contributed after the
 * environment was prepared, as {@code @DynamicPropertySource} does).
 *
 * @author The config-lag developers
 */
final class MountedConfigSourceInstaller implements BeanFactoryPostProcessor, Ordered {

	private final ConfigurableEnvironment environment;

	MountedConfigSourceInstaller(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		if (MountedConfigPropertySource.get(this.environment) == null) {
			ConfigLagProperties properties = ConfigLagEnvironmentPostProcessor.bind(this.environment);
			MountedConfigReader reader = ConfigLagEnvironmentPostProcessor.createReader(this.environment, properties);
			new MountedConfigPropertySource(reader.read()).addTo(this.environment, properties.getPrecedence());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
