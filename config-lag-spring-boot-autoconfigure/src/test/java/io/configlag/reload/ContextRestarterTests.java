package io.configlag.reload;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code config.lag.strategy=restart} restarts a {@link SpringApplication}'s context in
 * process, without any actuator endpoint, when a change cannot be applied live; the new
 * context has the new values.
 */
class ContextRestarterTests {

	@TempDir
	Path temp;

	@Test
	void restartStrategyRunsTheApplicationAgainWithTheNewValues() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "fixed:\n  name: one\n"));
		SpringApplication application = new SpringApplication(RestartApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		List<ConfigurableApplicationContext> started = new CopyOnWriteArrayList<>();
		application.addListeners(
				(ApplicationListener<ApplicationReadyEvent>) (event) -> started.add(event.getApplicationContext()));
		ConfigurableApplicationContext first = application.run("--config.lag.paths=" + volume.directory(),
				"--config.lag.strategy=restart", "--config.lag.restart-delay=0ms");
		try {
			assertThat(first.getBean(FixedUser.class).fixed().name()).isEqualTo("one");
			assertThat(first.containsBean("restartEndpoint")).isFalse();
			volume.update("config.yaml", "fixed:\n  name: two\n");
			await().atMost(ReloadEvents.TIMEOUT).until(() -> started.size() == 2 && started.get(1).isActive());
			ConfigurableApplicationContext second = started.get(1);
			assertThat(first.isActive()).isFalse();
			assertThat(second.getBean(FixedUser.class).fixed().name()).isEqualTo("two");
			assertThat(second.getEnvironment().getProperty("config.lag.strategy")).isEqualTo("restart");
		}
		finally {
			started.forEach(ConfigurableApplicationContext::close);
			first.close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
			ConfigLagAutoConfiguration.class })
	@EnableConfigurationProperties(FixedProperties.class)
	static class RestartApplication {

		@Bean
		FixedUser fixedUser(FixedProperties fixed) {
			return new FixedUser(fixed);
		}

	}

	@ConfigurationProperties("fixed")
	record FixedProperties(String name) {

	}

	/**
	 * Keeps the constructor-bound bean it was given, so the change cannot be applied
	 * live.
	 */
	record FixedUser(FixedProperties fixed) {

	}

}
