package io.configlag.reload;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rebinder binds exactly the {@code @ConfigurationProperties} beans whose prefix a
 * changed key falls under, or that sit under the key, in relaxed form, and a bean bound
 * at the root for every key.
 */
class PropertiesBeanRebinderTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
		.withUserConfiguration(Beans.class);

	@Test
	void keysAffectTheBeansOfTheirPrefixInRelaxedFormAndTheRootBean() {
		this.runner.run((context) -> {
			PropertiesBeanRebinder rebinder = new PropertiesBeanRebinder(context);
			MutablePropertySources candidate = new MutablePropertySources(context.getEnvironment().getPropertySources());
			candidate.addFirst(new MapPropertySource("candidate", Map.of("myApp.name", "new")));
			assertThat(rebinder.prepare(List.of("myApp.name"), candidate).beanNames()).hasSize(2)
				.anyMatch((name) -> name.contains("MyAppProperties"))
				.anyMatch((name) -> name.contains("RootProperties"));
			assertThat(rebinder.prepare(List.of("other.size"), candidate).beanNames()).hasSize(2)
				.anyMatch((name) -> name.contains("OtherProperties"))
				.anyMatch((name) -> name.contains("RootProperties"));
			assertThat(rebinder.prepare(List.of("my-app"), candidate).beanNames()).as("a key above a prefix")
				.anyMatch((name) -> name.contains("MyAppProperties"))
				.noneMatch((name) -> name.contains("OtherProperties"));
			assertThat(rebinder.prepare(List.of("unrelated.key"), candidate).beanNames())
				.singleElement()
				.satisfies((name) -> assertThat(name).contains("RootProperties"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ MyAppProperties.class, OtherProperties.class, RootProperties.class })
	static class Beans {

	}

	@ConfigurationProperties("my-app")
	static class MyAppProperties {

		private String name = "default";

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

	}

	@ConfigurationProperties("other")
	static class OtherProperties {

		private int size;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	@ConfigurationProperties
	static class RootProperties {

		private String color = "blue";

		public String getColor() {
			return this.color;
		}

		public void setColor(String color) {
			this.color = color;
		}

	}

}
