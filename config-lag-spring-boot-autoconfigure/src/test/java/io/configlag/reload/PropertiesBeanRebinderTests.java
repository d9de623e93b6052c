package io.configlag.reload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import jakarta.annotation.PostConstruct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.BoundConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rebinder binds exactly the {@code @ConfigurationProperties} beans whose prefix a
 * changed key falls under (in relaxed form, above or below it, or at the root), binds
 * them with Spring Boot's own post-processor and copies the result into the live beans
 * through setters and nested getters: nested objects and getter-only collections keep
 * their identity, a removed key returns to its default, and live resources are reported
 * as restart-required without being touched.
 */
@InjectsFaults
class PropertiesBeanRebinderTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
		.withUserConfiguration(Beans.class);

	@Test
	void keysAffectTheBeansOfTheirPrefixInRelaxedFormAndTheRootBean() {
		this.runner.run((context) -> {
			PropertiesBeanRebinder rebinder = new PropertiesBeanRebinder(context);
			MutablePropertySources candidate = new MutablePropertySources(
					context.getEnvironment().getPropertySources());
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
			assertThat(rebinder.prepare(List.of("unrelated.key"), candidate).beanNames()).singleElement()
				.satisfies((name) -> assertThat(name).contains("RootProperties"));
		});
	}

	@Test
	void converterBeansApplyToValuesLoadedAsCharSequencesAsInSpringBoot() {
		this.runner.withUserConfiguration(EndpointConverter.class).run((context) -> {
			PropertiesBeanRebinder rebinder = new PropertiesBeanRebinder(context);
			MutablePropertySources candidate = new MutablePropertySources(
					context.getEnvironment().getPropertySources());
			candidate.addFirst(new MapPropertySource("candidate",
					Map.of("other.endpoint", OriginTrackedValue.of("db.example:5432"))));
			PreparedRebind prepared = rebinder.prepare(List.of("other.endpoint"), candidate);
			prepared.apply();
			assertThat(context.getBean(OtherProperties.class).getEndpoint())
				.isEqualTo(new Endpoint("db.example", 5432));
		});
	}

	@Test
	void finalNestedObjectAndGetterOnlyCollectionsKeepTheirIdentityAndRemovedKeysReturnToTheirDefault() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("config.yaml", """
				holder:
				  name: one
				  pool:
				    size: 4
				    timeout: 5
				  hosts: [a, b]
				  labels:
				    x: "1"
				"""));
		reloading(volume).run((context) -> {
			HolderProperties holder = context.getBean(HolderProperties.class);
			PoolUser user = context.getBean(PoolUser.class);
			Pool pool = holder.getPool();
			List<String> hosts = holder.getHosts();
			assertThat(user.pool()).isSameAs(pool);
			assertThat(pool.getSize()).isEqualTo(4);
			assertThat(pool.getTimeout()).isEqualTo(5);
			volume.write(Map.of("config.yaml", """
					holder:
					  pool:
					    size: 8
					  hosts: [c]
					  labels:
					    y: "2"
					"""));
			ReloadEvents.awaitApplied(context, 1);
			assertThat(holder.getPool()).isSameAs(pool).isSameAs(user.pool());
			assertThat(user.pool().getSize()).isEqualTo(8);
			assertThat(pool.getTimeout()).as("removed nested key").isEqualTo(30);
			assertThat(holder.getName()).as("removed key").isEqualTo("default");
			assertThat(holder.getHosts()).isSameAs(hosts).containsExactly("c");
			assertThat(holder.getLabels()).containsExactly(Map.entry("y", "2"));
			assertThat(holder.getInitialized()).as("@PostConstruct runs on fresh instances only").isOne();
			assertThat(BoundConfigurationProperties.get(context).get(ConfigurationPropertyName.of("holder.pool.size")))
				.as("the configprops endpoint's input")
				.satisfies((property) -> assertThat(String.valueOf(property.getValue())).isEqualTo("8"));
			// Spring Cloud's rebinder neither rebound on our event nor lost the live bean
			context.getBean(ConfigurationPropertiesRebinder.class).rebind(beanName(context));
			assertThat(holder.getInitialized()).isEqualTo(2);
			assertThat(holder.getPool()).isSameAs(pool);
		});
	}

	@Test
	void failureAfterTheBeansWereUpdatedCopiesTheirPreviousStateBackIntoTheSameObjects() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "holder:\n  name: one\n  pool:\n    size: 4\n  hosts: [a]\n"));
		reloading(volume).withUserConfiguration(FailingListener.class).run((context) -> {
			HolderProperties holder = context.getBean(HolderProperties.class);
			Pool pool = holder.getPool();
			context.getBean(FailingListener.class).fail = true;
			volume.write(Map.of("config.yaml", "holder:\n  pool:\n    size: 8\n  hosts: [b, c]\n"));
			await().atMost(ReloadEvents.TIMEOUT)
				.until(() -> !ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).isEmpty());
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).get(0).error())
				.contains("listener failed");
			assertThat(holder.getName()).isEqualTo("one");
			assertThat(holder.getPool()).isSameAs(pool);
			assertThat(pool.getSize()).isEqualTo(4);
			assertThat(holder.getHosts()).containsExactly("a");
			assertThat(context.getEnvironment().getProperty("holder.name")).isEqualTo("one");
		});
	}

	@Test
	void liveResourceIsNeverRecreatedNorCopiedIntoAndItsKeysRequireARestart() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "connection:\n  size: 4\n"));
		reloading(volume).run((context) -> {
			Connection connection = context.getBean(Connection.class);
			int created = Connection.created.get();
			assertThat(connection.getSize()).isEqualTo(4);
			assertThat(context.getBean(StartupChecks.class).getWarnings())
				.anySatisfy((warning) -> assertThat(warning).contains("connection").contains("live resource"));
			volume.write(Map.of("config.yaml", "connection:\n  size: 5\n"));
			ConfigReloadResult result = ReloadEvents.awaitRestartRequired(context, 1);
			assertThat(result.notRebound()).containsExactly("connection");
			assertThat(result.restartKeys()).containsExactly("connection.size");
			assertThat(Connection.created).as("instances created").hasValue(created);
			assertThat(connection.getSize()).isEqualTo(4);
			assertThat(connection.isOpen()).isTrue();
		});
	}

	@Test
	void classesListedInNeverRebindAreLiveResources() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "holder:\n  name: one\n"));
		reloading(volume).withPropertyValues("config.lag.reload.never-rebind=" + HolderProperties.class.getName())
			.run((context) -> {
				volume.write(Map.of("config.yaml", "holder:\n  name: two\n"));
				ConfigReloadResult result = ReloadEvents.awaitRestartRequired(context, 1);
				assertThat(result.notRebound()).singleElement().asString().contains("HolderProperties");
				assertThat(result.restartKeys()).containsExactly("holder.name");
				assertThat(context.getBean(HolderProperties.class).getName()).isEqualTo("one");
			});
	}

	private ApplicationContextRunner reloading(KubeletVolume volume) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigurationPropertiesRebinderAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
					ConfigLagAutoConfiguration.class))
			.withUserConfiguration(ReloadingBeans.class)
			.withPropertyValues("config.lag.paths=" + volume.directory());
	}

	private static String beanName(org.springframework.context.ApplicationContext context) {
		return context.getBeanNamesForType(HolderProperties.class)[0];
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ MyAppProperties.class, OtherProperties.class, RootProperties.class })
	static class Beans {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(HolderProperties.class)
	static class ReloadingBeans {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

		@Bean
		PoolUser poolUser(HolderProperties holder) {
			return new PoolUser(holder.getPool());
		}

		@Bean
		@ConfigurationProperties("connection")
		Connection connection() {
			return new Connection();
		}

	}

	static class FailingListener implements ApplicationListener<EnvironmentChangeEvent> {

		volatile boolean fail;

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			if (this.fail) {
				throw new IllegalStateException("listener failed");
			}
		}

	}

	record Endpoint(String host, int port) {

	}

	@Configuration(proxyBeanMethods = false)
	static class EndpointConverter {

		@Bean
		@ConfigurationPropertiesBinding
		static Converter<String, Endpoint> endpointConverter() {
			return (text) -> new Endpoint(text.substring(0, text.indexOf(':')),
					Integer.parseInt(text.substring(text.indexOf(':') + 1)));
		}

	}

	/**
	 * Keeps the nested object it was given, as Spring Boot's {@code BasicErrorController}
	 * keeps its {@code ErrorProperties}.
	 */
	record PoolUser(Pool pool) {

	}

	@ConfigurationProperties("holder")
	static class HolderProperties {

		private String name = "default";

		private final Pool pool = new Pool();

		private final List<String> hosts = new ArrayList<>();

		private final Map<String, String> labels = new LinkedHashMap<>();

		private int initialized;

		@PostConstruct
		void initialize() {
			this.initialized++;
		}

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		Pool getPool() {
			return this.pool;
		}

		List<String> getHosts() {
			return this.hosts;
		}

		Map<String, String> getLabels() {
			return this.labels;
		}

		int getInitialized() {
			return this.initialized;
		}

	}

	static class Pool {

		private int size = 1;

		private int timeout = 30;

		int getSize() {
			return this.size;
		}

		void setSize(int size) {
			this.size = size;
		}

		int getTimeout() {
			return this.timeout;
		}

		void setTimeout(int timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * A resource configured through {@code @Bean @ConfigurationProperties}, like a
	 * connection pool.
	 */
	static class Connection implements AutoCloseable {

		static final AtomicInteger created = new AtomicInteger();

		private int size;

		private volatile boolean open = true;

		Connection() {
			created.incrementAndGet();
		}

		int getSize() {
			return this.size;
		}

		void setSize(int size) {
			this.size = size;
		}

		boolean isOpen() {
			return this.open;
		}

		@Override
		public void close() {
			this.open = false;
		}

	}

	@ConfigurationProperties("my-app")
	static class MyAppProperties {

		private String name = "default";

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

	}

	@ConfigurationProperties("other")
	static class OtherProperties {

		private int size;

		private Endpoint endpoint;

		Endpoint getEndpoint() {
			return this.endpoint;
		}

		void setEndpoint(Endpoint endpoint) {
			this.endpoint = endpoint;
		}

		int getSize() {
			return this.size;
		}

		void setSize(int size) {
			this.size = size;
		}

	}

	@ConfigurationProperties
	static class RootProperties {

		private String color = "blue";

		String getColor() {
			return this.color;
		}

		void setColor(String color) {
			this.color = color;
		}

	}

}
