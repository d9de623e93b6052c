package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import io.configlag.reload.ConfigReloader;
import io.configlag.ssl.SslBundleApplier;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link ConfigLagSslAutoConfiguration}.
 */
class ConfigLagSslAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
					ConfigLagAutoConfiguration.class, ConfigLagSslAutoConfiguration.class));

	@Test
	void registersApplierWithBootsSslBundleRegistry() {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + volume())
			.run((context) -> assertThat(context).hasSingleBean(SslBundleApplier.class)
				.hasSingleBean(ConfigReloader.class));
	}

	@Test
	void registersApplierWithAnSslBundleRegistryOfTheApplication() {
		this.runner.withBean(DefaultSslBundleRegistry.class)
			.withPropertyValues("config.lag.paths=" + volume())
			.run((context) -> assertThat(context).hasSingleBean(SslBundleApplier.class));
	}

	@Test
	void backsOffWithoutAnSslBundleRegistry() {
		this.runner.withPropertyValues("config.lag.paths=" + volume())
			.run((context) -> assertThat(context).doesNotHaveBean(SslBundleApplier.class)
				.hasSingleBean(ConfigReloader.class));
	}

	@Test
	void backsOffWithoutPaths() {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SslBundleApplier.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + volume(), "config.lag.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SslBundleApplier.class));
	}

	private Path volume() {
		return KubeletVolume.secret(this.temp.resolve("tls")).write(Map.of("tls.crt", "x")).directory();
	}

}
