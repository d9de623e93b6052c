package io.configlag.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagProperties.Strategy;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.mount.MountChecks;
import io.configlag.mount.WatchedPath;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which beans a change reaches: placeholders in other sources that refer to a changed
 * key, and beans that cannot take a change live with each {@code config.lag.strategy};
 * plus the Kubernetes mount pitfalls reported at startup.
 */
@InjectsFaults
class ChangeScopeTests {

	private static final Duration TIMEOUT = ReloadEvents.TIMEOUT;

	@TempDir
	Path temp;

	// SpringApplication publishes CORRECT once started; a bare context has to do it
	// itself
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
						ConfigLagAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
		.withUserConfiguration(ScopeConfiguration.class)
		.withInitializer((context) -> context.addApplicationListener(
				(ContextRefreshedEvent event) -> AvailabilityChangeEvent.publish(context, LivenessState.CORRECT)));

	@Test
	void placeholderInPackagedConfigFollowsTheMountedKeyItRefersTo() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  host: one.example\n"));
		this.runner
			.withPropertyValues("config.lag.paths=" + volume.directory(), "client.url=http://${app.host}/api",
					"client.alias=${client.url}")
			.run((context) -> {
				ClientProperties client = context.getBean(ClientProperties.class);
				assertThat(client.getUrl()).isEqualTo("http://one.example/api");
				volume.update("config.yaml", "app:\n  host: two.example\n");
				ReloadEvents.awaitApplied(context, 1);
				assertThat(client.getUrl()).isEqualTo("http://two.example/api");
				assertThat(client.getAlias()).isEqualTo("http://two.example/api");
				assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).changed())
					.containsExactly("app.host");
			});
	}

	@Test
	void directConsumerOfConstructorBoundBeanIsReportedAndKeepsItsValueWithRefreshStrategy() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "fixed:\n  name: one\nclient:\n  url: a\n"));
		this.runner.withPropertyValues("config.lag.paths=" + volume.directory()).run((context) -> {
			assertThat(context.getBean(StartupChecks.class).getWarnings())
				.anySatisfy((warning) -> assertThat(warning).contains("fixed")
					.contains("constructor-bound")
					.contains("fixedUser"));
			volume.update("config.yaml", "fixed:\n  name: two\nclient:\n  url: b\n");
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult result = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(result.notRebound()).containsExactly("fixedUser");
			assertThat(result.restartKeys()).containsExactly("fixed.name");
			assertThat(context.getBean(FixedUser.class).fixed().name()).isEqualTo("one");
			assertThat(context.getBean(FixedProperties.class).name()).isEqualTo("two");
			assertThat(context.getBean(ClientProperties.class).getUrl()).isEqualTo("b");
			assertThat(context.getBean(ApplicationAvailability.class).getLivenessState())
				.isEqualTo(LivenessState.CORRECT);
		});
	}

	@Test
	void exitStrategyBreaksLivenessSoKubernetesRestartsThePod() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "fixed:\n  name: one\n"));
		this.runner
			.withPropertyValues("config.lag.paths=" + volume.directory(),
					"config.lag.strategy=" + Strategy.EXIT.name().toLowerCase(), "config.lag.restart-delay=0ms")
			.run((context) -> {
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				assertThat(availability.getLivenessState()).isEqualTo(LivenessState.CORRECT);
				volume.update("config.yaml", "fixed:\n  name: two\n");
				await().atMost(TIMEOUT).until(() -> availability.getLivenessState() == LivenessState.BROKEN);
			});
	}

	@Test
	void changesThatEveryBeanCanTakeDoNotRestart() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "fixed:\n  name: one\nclient:\n  url: a\n"));
		this.runner
			.withPropertyValues("config.lag.paths=" + volume.directory(), "config.lag.strategy=exit",
					"config.lag.restart-delay=0ms")
			.run((context) -> {
				volume.update("config.yaml", "fixed:\n  name: one\nclient:\n  url: b\n");
				ReloadEvents.awaitApplied(context, 1);
				assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).notRebound()).isEmpty();
				assertThat(context.getBean(ApplicationAvailability.class).getLivenessState())
					.isEqualTo(LivenessState.CORRECT);
			});
	}

	@Test
	void subPathAndNonAtomicMountsAreReported() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "a: 1\n"));
		Path subPathFile = Files.writeString(this.temp.resolve("app config.yaml"), "a: 2\n");
		Path plain = Files.createDirectories(this.temp.resolve("plain"));
		Path mountInfo = Files.writeString(this.temp.resolve("mountinfo"),
				String.join("\n", "22 1 0:21 / /proc rw,nosuid - proc proc rw",
						"1230 1200 253:1 /var/lib/kubelet/pods/uid/volume-subpaths/cfg/app/0 "
								+ subPathFile.toString().replace(" ", "\\040") + " ro,relatime - ext4 /dev/vda1 rw",
						"1231 1200 0:90 / " + volume.directory() + " ro,relatime - tmpfs tmpfs rw"));
		assertThat(MountChecks.check(
				WatchedPath
					.of(java.util.List.of(volume.directory().toString(), subPathFile.toString(), plain.toString())),
				mountInfo))
			.satisfiesExactly((subPath) -> assertThat(subPath).contains(subPathFile.toString()).contains("subPath"),
					(nonAtomic) -> assertThat(nonAtomic).contains(plain.toString()).contains("not inside"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ ClientProperties.class, FixedProperties.class })
	static class ScopeConfiguration {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

		@Bean
		FixedUser fixedUser(FixedProperties fixed) {
			return new FixedUser(fixed);
		}

	}

	@ConfigurationProperties("client")
	static class ClientProperties {

		private String url;

		private String alias;

		String getUrl() {
			return this.url;
		}

		void setUrl(String url) {
			this.url = url;
		}

		String getAlias() {
			return this.alias;
		}

		void setAlias(String alias) {
			this.alias = alias;
		}

	}

	@ConfigurationProperties("fixed")
	record FixedProperties(String name) {

	}

	/**
	 * Keeps the constructor-bound bean it was given.
	 */
	record FixedUser(FixedProperties fixed) {

	}

}
