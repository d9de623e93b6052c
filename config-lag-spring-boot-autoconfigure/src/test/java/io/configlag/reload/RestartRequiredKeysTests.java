package io.configlag.reload;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.KubeletVolume;
import io.configlag.watch.ConfigWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Applied" means in effect: one test per kind of key that a running application cannot
 * take live, and the kinds that it can. Each test changes keys in a kubelet volume,
 * reloads, and reads the result.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartRequiredKeysTests {

	private static final String INITIAL = """
			server:
			  port: 8080
			spring:
			  web:
			    resources:
			      cache:
			        cachecontrol:
			          max-age: 10s
			  jpa:
			    show-sql: false
			management:
			  endpoint:
			    health:
			      show-details: never
			config:
			  lag:
			    watch:
			      quiet-period: 100ms
			app:
			  greeting: hello
			  banner: plain
			  motto: calm
			  unread: one
			  host: a.example.com
			  url: https://${app.host}/
			""";

	@TempDir
	Path temp;

	@Test
	void keyOfSpringBootsServerPropertiesRequiresARestartThoughTheBeanIsRebound() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "port: 8080", "port: 9090");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("server.port");
			assertThat(result.consumers()).isEmpty();
			// The configprops endpoint shows the new value; the server keeps its port
			assertThat(context.getBean(ServerProperties.class).getPort()).isEqualTo(9090);
		});
	}

	@Test
	void keyOfASpringBootBeanReadAtStartupRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "max-age: 10s", "max-age: 1h");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("spring.web.resources.cache.cachecontrol.max-age");
		});
	}

	@Test
	void managementKeyRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "show-details: never", "show-details: always");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("management.endpoint.health.show-details");
		});
	}

	@Test
	void jpaKeyRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "show-sql: false", "show-sql: true");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("spring.jpa.show-sql");
		});
	}

	@Test
	void configLagsOwnKeyRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "quiet-period: 100ms", "quiet-period: 2s");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("config.lag.watch.quiet-period");
		});
	}

	@Test
	void keyThatNothingReadsRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "unread: one", "unread: two");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("app.unread");
		});
	}

	@Test
	void valueInjectedIntoASingletonRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "banner: plain", "banner: fancy");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("app.banner");
			assertThat(context.getBean(SingletonBanner.class).banner).isEqualTo("plain");
		});
	}

	@Test
	void valueOfARefreshScopedBeanIsLive() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "banner: plain", "banner: fancy");
			assertThat(context.getBean(RefreshedBanner.class).banner()).isEqualTo("fancy");
			assertThat(result.restartKeys()).containsExactly("app.banner");
		}, RefreshedBannerConfiguration.class);
	}

	@Test
	void valueReadOnlyByARefreshScopedBeanIsInEffect() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "motto: calm", "motto: bold");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(result.restartKeys()).isEmpty();
			assertThat(result.notRebound()).isEmpty();
			assertThat(result.consumers()).containsEntry("app.motto", Set.of("refresh-scope:refreshedBanner"));
			assertThat(context.getBean(RefreshedBanner.class).motto()).isEqualTo("bold");
		}, RefreshedBannerConfiguration.class);
	}

	@Test
	void keyOfTheApplicationsOwnBeanIsLive() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "greeting: hello", "greeting: hi");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(result.restartKeys()).isEmpty();
			assertThat(result.consumers()).containsOnlyKeys("app.greeting");
			assertThat(result.consumers().get("app.greeting")).singleElement().asString().startsWith("bean:app-");
		});
	}

	@Test
	void keyReferencedThroughAPlaceholderIsLiveWhenTheReferringKeyIs() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "host: a.example.com", "host: b.example.com");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(result.restartKeys()).isEmpty();
			assertThat(result.consumers()).containsKeys("app.host", "app.url");
			assertThat(context.getBean(AppProperties.class).getUrl()).isEqualTo("https://b.example.com/");
		});
	}

	@Test
	void declaredRestartKeyOfTheApplicationsOwnBeanRequiresARestart() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "greeting: hello", "greeting: hi");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.RESTART_REQUIRED);
			assertThat(result.restartKeys()).containsExactly("app.greeting");
		}, "config.lag.reload.restart-keys=app.greeting");
	}

	@Test
	void declaredLiveKeyIsInEffectOnceInTheEnvironment() {
		run(INITIAL, (context, volume) -> {
			ConfigReloadResult result = change(context, volume, "unread: one", "unread: two");
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(result.consumers()).containsOnlyKeys("app.unread");
			assertThat(result.consumers().get("app.unread")).containsExactly(RestartKeys.DECLARED_LIVE);
		}, "config.lag.reload.live-keys=app.unread");
	}

	@Test
	void liveAndRestartKeysTogetherAreAppliedWithTheRestartKeysReported(CapturedOutput output) {
		run(INITIAL, (context, volume) -> {
			String changed = INITIAL.replace("greeting: hello", "greeting: hi").replace("port: 8080", "port: 9090");
			volume.update("config.yaml", changed);
			ConfigReloadResult result = context.getBean(ConfigReloadService.class).reload();
			assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
			assertThat(result.restartKeys()).containsExactly("server.port");
			assertThat(context.getBean(ConfigReloadService.class).getRestartKeys()).containsExactly("server.port");
			assertThat(output).contains(
					"Keys [server.port] of config version " + result.version() + " take effect only after a restart");
		});
	}

	@Test
	void restartKeysAccumulateUntilTheApplicationRestarts() {
		run(INITIAL, (context, volume) -> {
			change(context, volume, "port: 8080", "port: 9090");
			String next = INITIAL.replace("port: 8080", "port: 9090").replace("show-sql: false", "show-sql: true");
			volume.update("config.yaml", next);
			context.getBean(ConfigReloadService.class).reload();
			assertThat(context.getBean(ConfigReloadService.class).getRestartKeys()).containsExactly("server.port",
					"spring.jpa.show-sql");
			assertThat(context.getBean(ConfigReloader.class).getCount(ReloadOutcome.RESTART_REQUIRED)).isEqualTo(2);
		});
	}

	@Test
	void strategyActsOnARestartKey() {
		run(INITIAL, (context, volume) -> {
			change(context, volume, "port: 8080", "port: 9090");
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			await().atMost(ReloadEventsTimeout.VALUE)
				.until(() -> availability.getLivenessState() == LivenessState.BROKEN);
		}, "config.lag.strategy=exit", "config.lag.restart-delay=0s");
	}

	private ConfigReloadResult change(AssertableApplicationContext context, KubeletVolume volume, String from,
			String to) {
		assertThat(INITIAL).contains(from);
		volume.update("config.yaml", INITIAL.replace(from, to));
		return context.getBean(ConfigReloadService.class).reload();
	}

	private void run(String yaml, VolumeTest test, Object... extra) {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("config.yaml", yaml));
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(Beans.class)
			.withBean(ApplicationAvailabilityBean.class)
			.withPropertyValues("config.lag.paths=" + volume.directory(), "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=1h");
		for (Object item : extra) {
			if (item instanceof String property) {
				runner = runner.withPropertyValues(property);
			}
			else {
				runner = runner.withUserConfiguration((Class<?>) item);
			}
		}
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(ConfigWatcher.class).stop();
			test.run(context, volume);
		});
	}

	@FunctionalInterface
	interface VolumeTest {

		void run(AssertableApplicationContext context, KubeletVolume volume) throws Exception;

	}

	static final class ReloadEventsTimeout {

		static final java.time.Duration VALUE = io.configlag.test.ReloadEvents.TIMEOUT;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ AppProperties.class, ServerProperties.class, WebProperties.class,
			HealthEndpointProperties.class })
	static class Beans {

		@Bean
		SingletonBanner singletonBanner(@Value("${app.banner}") String banner) {
			return new SingletonBanner(banner);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RefreshedBannerConfiguration {

		@Bean
		@RefreshScope
		RefreshedBanner refreshedBanner() {
			return new RefreshedBanner();
		}

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String greeting;

		private String url;

		String getGreeting() {
			return this.greeting;
		}

		void setGreeting(String greeting) {
			this.greeting = greeting;
		}

		String getUrl() {
			return this.url;
		}

		void setUrl(String url) {
			this.url = url;
		}

	}

	static class SingletonBanner {

		final String banner;

		SingletonBanner(String banner) {
			this.banner = banner;
		}

	}

	static class RefreshedBanner {

		@Value("${app.banner}")
		private String banner;

		@Value("${app.motto}")
		private String motto;

		String banner() {
			return this.banner;
		}

		String motto() {
			return this.motto;
		}

	}

}
