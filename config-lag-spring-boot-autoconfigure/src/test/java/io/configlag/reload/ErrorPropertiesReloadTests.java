package io.configlag.reload;

import java.nio.file.Path;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.ErrorProperties;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spring-petclinic case: Spring Boot's {@code BasicErrorController} keeps the
 * {@link ErrorProperties} it got from {@link WebProperties#getError()} (a final nested
 * object), so {@code spring.web.error.include-message} only takes effect when the reload
 * fills that very object.
 */
class ErrorPropertiesReloadTests {

	@TempDir
	Path temp;

	@Test
	void includeMessageReachesTheErrorControllersErrorProperties() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "spring:\n  web:\n    error:\n      include-message: never\n"));
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class,
					ErrorMvcAutoConfiguration.class, RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(Events.class)
			.withPropertyValues("config.lag.paths=" + volume.directory())
			.run((context) -> {
				BasicErrorController controller = context.getBean(BasicErrorController.class);
				ErrorProperties error = context.getBean(WebProperties.class).getError();
				assertThat(controller.error(failedRequest()).getBody()).doesNotContainKey("message");
				volume.write(Map.of("config.yaml", "spring:\n  web:\n    error:\n      include-message: always\n"));
				ReloadEvents.awaitApplied(context, 1);
				assertThat(context.getBean(WebProperties.class).getError()).isSameAs(error);
				assertThat(error.getIncludeMessage()).isEqualTo(ErrorProperties.IncludeAttribute.ALWAYS);
				assertThat(controller.error(failedRequest()).getBody()).containsEntry("message", "pool exhausted");
				ConfigReloadResult result = ReloadEvents.of(context).all().get(0);
				assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
				assertThat(result.consumers()).containsOnlyKeys("spring.web.error.include-message");
				assertThat(result.restartKeys()).isEmpty();
			});
	}

	private static MockHttpServletRequest failedRequest() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/owners");
		request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
		request.setAttribute(RequestDispatcher.ERROR_MESSAGE, "pool exhausted");
		request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/owners");
		return request;
	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

	}

}
