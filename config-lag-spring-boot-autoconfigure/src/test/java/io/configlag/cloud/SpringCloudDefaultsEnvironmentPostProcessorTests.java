package io.configlag.cloud;

import java.net.http.HttpResponse;

import io.configlag.test.ActuatorClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Cloud's {@code refresh} endpoint over real HTTP, in an application that has the
 * starter but no {@code config.lag.paths}, with every endpoint exposed as
 * spring-petclinic does.
 */
class SpringCloudDefaultsEnvironmentPostProcessorTests {

	@Test
	void refreshEndpointIsNotReachableByDefault() {
		try (ConfigurableApplicationContext context = run()) {
			ActuatorClient actuator = actuator(context);
			HttpResponse<String> refresh = actuator.post("/actuator/refresh");
			assertThat(refresh.statusCode()).isEqualTo(404);
			assertThat(actuator.getJson("/actuator").jsonString()).doesNotContain("/actuator/refresh");
		}
	}

	@Test
	void refreshEndpointIsReachableWhenTheApplicationAsksForIt() {
		try (ConfigurableApplicationContext context = run("--management.endpoint.refresh.access=unrestricted")) {
			HttpResponse<String> refresh = actuator(context).post("/actuator/refresh");
			assertThat(refresh.statusCode()).isEqualTo(200);
		}
	}

	private static ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		String[] all = new String[args.length + 2];
		all[0] = "--server.port=0";
		all[1] = "--management.endpoints.web.exposure.include=*";
		System.arraycopy(args, 0, all, 2, args.length);
		return application.run(all);
	}

	private static ActuatorClient actuator(ConfigurableApplicationContext context) {
		return new ActuatorClient(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
