package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.configlag.ConfigReloadService;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint.ConfigReloadDescriptor;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint.PathDescriptor;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint.ReloadDescriptor;
import io.configlag.actuate.endpoint.ConfigReloadEndpointWebExtension;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.KubeletVolume;
import io.configlag.watch.ConfigWatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.support.ConfigurableConversionService;
import org.springframework.core.env.ConfigurableEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ConfigReloadEndpointAutoConfiguration} and the
 * {@link ConfigReloadEndpoint} it creates. The watcher polls rarely so that every reload
 * here is the endpoint's own.
 */
class ConfigReloadEndpointAutoConfigurationTests {

	@TempDir
	Path temp;

	private KubeletVolume config;

	private KubeletVolume secret;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createVolumes() {
		this.config = KubeletVolume.configMap(this.temp.resolve("config"));
		this.config.write(Map.of("config.yaml", "app:\n  name: v0\n"));
		this.secret = KubeletVolume.secret(this.temp.resolve("secret"));
		this.secret.write(Map.of("db.password", "s3cr3t-v0"));
		this.runner = new ApplicationContextRunner()
			.withInitializer((context) -> context.getEnvironment()
				.setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance()))
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadEndpointAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + this.config.directory() + "," + this.secret.directory(),
					"config.lag.reload.live-keys=app.*,db.*", "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=1h", "management.endpoints.web.exposure.include=configreload");
	}

	@Test
	void endpointAndWebExtensionAreAutoConfigured() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ConfigReloadEndpoint.class)
			.hasSingleBean(ConfigReloadEndpointWebExtension.class));
	}

	@Test
	void endpointIsDefinedAsReadOnlyByDefault() {
		Endpoint endpoint = ConfigReloadEndpoint.class.getAnnotation(Endpoint.class);
		assertThat(endpoint.id()).isEqualTo("configreload");
		assertThat(endpoint.defaultAccess()).isEqualTo(org.springframework.boot.actuate.endpoint.Access.READ_ONLY);
	}

	@Test
	void backsOffWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigReloadEndpoint.class));
	}

	@Test
	void backsOffWithoutConfigLag() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigLagAutoConfiguration.class,
					ConfigReloadEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=configreload")
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadEndpoint.class));
	}

	@Test
	void backsOffWhenNotExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadEndpoint.class));
	}

	@Test
	void backsOffWhenAccessIsNone() {
		this.runner.withPropertyValues("management.endpoint.configreload.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloadEndpoint.class));
	}

	@Test
	void backsOffOnUserEndpoint() {
		this.runner.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ConfigReloadEndpoint.class)
				.getBean(ConfigReloadEndpoint.class)
				.isSameAs(context.getBean("userEndpoint")));
	}

	@Test
	void webExtensionBacksOffWhenOnlyExposedOverJmx() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=health", "spring.jmx.enabled=true",
					"management.endpoints.jmx.exposure.include=configreload")
			.run((context) -> assertThat(context).hasSingleBean(ConfigReloadEndpoint.class)
				.doesNotHaveBean(ConfigReloadEndpointWebExtension.class));
	}

	@Test
	void describesVersionPathsAndCounts() {
		this.runner.run((context) -> {
			ConfigReloadDescriptor descriptor = context.getBean(ConfigReloadEndpoint.class).configReload();
			assertThat(descriptor.version()).matches("[0-9a-f]{12}");
			assertThat(descriptor.watchMode()).isEqualTo("polling");
			assertThat(descriptor.paths()).extracting(PathDescriptor::kind)
				.containsExactly("kubelet-volume", "kubelet-volume");
			PathDescriptor secretPath = descriptor.paths().get(1);
			assertThat(secretPath.location()).isEqualTo(this.secret.directory().toString());
			assertThat(secretPath.kubeletVolume()).isTrue();
			assertThat(secretPath.keys()).isEqualTo(1);
			assertThat(secretPath.files()).containsExactly("db.password");
			assertThat(secretPath.writtenAt()).isNotNull();
			assertThat(descriptor.lastReload()).isNull();
			assertThat(descriptor.counts()).containsExactly(Map.entry("applied", 0L), Map.entry("restart-required", 0L),
					Map.entry("unchanged", 0L), Map.entry("rejected", 0L), Map.entry("rolled-back", 0L));
			assertThat(descriptor.restartKeys()).isEmpty();
		});
	}

	@Test
	void writeOperationReloadsAndMasksValuesByDefault() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloadEndpoint endpoint = context.getBean(ConfigReloadEndpoint.class);
			String before = endpoint.configReload().version();
			this.secret.write(Map.of("db.password", "s3cr3t-v1"));
			this.config.write(Map.of("config.yaml", "app:\n  name: v1\n  color: blue\n"));
			ReloadDescriptor reload = endpoint.reload();
			assertThat(reload.trigger()).isEqualTo("manual");
			assertThat(reload.outcome()).isEqualTo("applied");
			assertThat(reload.previousVersion()).isEqualTo(before);
			assertThat(reload.version()).isNotEqualTo(before);
			assertThat(reload.added()).containsExactly("app.color");
			assertThat(reload.changed()).containsExactly("app.name", "db.password");
			assertThat(reload.values()).containsOnly(Map.entry("app.color", SanitizableData.SANITIZED_VALUE),
					Map.entry("app.name", SanitizableData.SANITIZED_VALUE),
					Map.entry("db.password", SanitizableData.SANITIZED_VALUE));
			assertThat(reload.lag()).isNotNull().isGreaterThanOrEqualTo(java.time.Duration.ZERO);
			ConfigReloadDescriptor descriptor = endpoint.configReload();
			assertThat(descriptor.version()).isEqualTo(reload.version());
			assertThat(descriptor.lastReload()).isEqualTo(descriptor.lastSuccess());
			assertThat(descriptor.lastReload().values()).doesNotContainValue("s3cr3t-v1");
			assertThat(descriptor.counts()).containsEntry("applied", 1L);
		});
	}

	@Test
	void showValuesAlwaysShowsValuesThroughSanitizingFunctions() {
		this.runner.withPropertyValues("management.endpoint.configreload.show-values=always")
			.withUserConfiguration(SanitizePasswordsConfiguration.class)
			.run((context) -> {
				stopWatching(context);
				ConfigReloadEndpoint endpoint = context.getBean(ConfigReloadEndpoint.class);
				this.secret.write(Map.of("db.password", "s3cr3t-v1"));
				this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
				ReloadDescriptor reload = endpoint.reload();
				assertThat(reload.values()).containsOnly(Map.entry("app.name", "v1"),
						Map.entry("db.password", SanitizableData.SANITIZED_VALUE));
			});
	}

	@Test
	void whenAuthorizedShowsValuesToAuthorizedUsersOverHttpOnly() {
		this.runner
			.withPropertyValues("management.endpoint.configreload.show-values=when-authorized",
					"management.endpoint.configreload.roles=ops")
			.run((context) -> {
				stopWatching(context);
				ConfigReloadEndpoint endpoint = context.getBean(ConfigReloadEndpoint.class);
				ConfigReloadEndpointWebExtension web = context.getBean(ConfigReloadEndpointWebExtension.class);
				this.config.write(Map.of("config.yaml", "app:\n  name: v1\n"));
				Map.Entry<String, Object> masked = Map.entry("app.name", SanitizableData.SANITIZED_VALUE);
				assertThat(endpoint.reload().values()).containsOnly(masked);
				assertThat(web.configReload(SecurityContext.NONE).lastReload().values()).containsOnly(masked);
				assertThat(web.configReload(user(false)).lastReload().values()).containsOnly(masked);
				assertThat(web.configReload(user(true)).lastReload().values())
					.containsOnly(Map.entry("app.name", "v1"));
			});
	}

	@Test
	void rejectedReloadKeepsVersionAndReportsError() {
		this.runner.run((context) -> {
			stopWatching(context);
			ConfigReloadEndpoint endpoint = context.getBean(ConfigReloadEndpoint.class);
			String before = endpoint.configReload().version();
			this.config.write(Map.of("config.yaml", "app:\n  name: [v1\n"));
			ReloadDescriptor reload = endpoint.reload();
			assertThat(reload.outcome()).isEqualTo("rejected");
			assertThat(reload.version()).isEqualTo(before);
			assertThat(reload.error()).contains("config.yaml").doesNotContain("[v1");
			ConfigReloadDescriptor descriptor = endpoint.configReload();
			assertThat(descriptor.lastSuccess()).isNull();
			assertThat(descriptor.counts()).containsEntry("rejected", 1L);
		});
	}

	@Test
	void unchangedReloadReportsNoKeys() {
		this.runner.run((context) -> {
			stopWatching(context);
			ReloadDescriptor reload = context.getBean(ConfigReloadEndpoint.class).reload();
			assertThat(reload.outcome()).isEqualTo("unchanged");
			assertThat(reload.added()).isEmpty();
			assertThat(reload.changed()).isEmpty();
			assertThat(reload.values()).isEmpty();
		});
	}

	private static SecurityContext user(boolean ops) {
		SecurityContext securityContext = mock(SecurityContext.class);
		given(securityContext.getPrincipal()).willReturn(() -> "user");
		given(securityContext.isUserInRole("ops")).willReturn(ops);
		return securityContext;
	}

	/**
	 * Stop the watcher (waiting for a check it may be running) so that the only reloads
	 * are the endpoint's.
	 * @param context the context
	 */
	private static void stopWatching(ConfigurableApplicationContext context) {
		context.getBean(ConfigWatcher.class).stop();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		ConfigReloadEndpoint userEndpoint(ConfigurableEnvironment environment) {
			return new ConfigReloadEndpoint(mock(ConfigReloadService.class), environment, List.of(),
					org.springframework.boot.actuate.endpoint.Show.NEVER);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SanitizePasswordsConfiguration {

		@Bean
		SanitizingFunction sanitizePasswords() {
			return (data) -> data.getKey().endsWith("password") ? data.withSanitizedValue() : data;
		}

	}

}
