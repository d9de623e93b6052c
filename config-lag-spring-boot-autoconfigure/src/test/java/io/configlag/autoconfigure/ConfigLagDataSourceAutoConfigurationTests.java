package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.configlag.jdbc.DataSourceCredentialsApplier;
import io.configlag.reload.ReloadApplier;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigLagDataSourceAutoConfiguration}. The pools are never started
 * (HikariCP connects on first use), so no database is needed.
 */
class ConfigLagDataSourceAutoConfigurationTests {

	private static final String URL = "jdbc:postgresql://127.0.0.1:1/app";

	@TempDir
	Path temp;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createRunner() {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("db"))
			.write(Map.of("spring.datasource.password", "initial"));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					ConfigLagAutoConfiguration.class, ConfigLagDataSourceAutoConfiguration.class))
			.withPropertyValues("config.lag.paths=" + secret.directory(), "config.lag.watch.mode=polling",
					"config.lag.watch.poll-interval=1h", "spring.datasource.url=" + URL,
					"spring.datasource.username=app");
	}

	@Test
	void credentialsApplierForBootsHikariDataSourceIsHandedEveryReload() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DataSourceCredentialsApplier.class);
			DataSourceCredentialsApplier applier = context.getBean(DataSourceCredentialsApplier.class);
			assertThat(applier.consumerName()).isEqualTo("datasource:dataSource");
			assertThat(context.getBeanProvider(ReloadApplier.class).orderedStream()).contains(applier);
			assertThat(context.getBean(ConfigLagDataSourceProperties.class).isEvictIdleConnections()).isFalse();
			assertThat(context.getBean(HikariDataSource.class).getHikariPoolMXBean()).isNull();
		});
	}

	@Test
	void evictionOfIdleConnectionsCanBeEnabled() {
		this.runner.withPropertyValues("config.lag.datasource.evict-idle-connections=true")
			.run((context) -> assertThat(context.getBean(ConfigLagDataSourceProperties.class).isEvictIdleConnections())
				.isTrue());
	}

	@Test
	void backsOffWithoutHikariCp() {
		this.runner.withClassLoader(new FilteredClassLoader(HikariDataSource.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSourceCredentialsApplier.class));
	}

	@Test
	void backsOffForAnotherPoolType() {
		this.runner
			.withPropertyValues("spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSourceCredentialsApplier.class));
	}

	@Test
	void backsOffForADataSourceOfTheApplicationsOwn() {
		this.runner.withUserConfiguration(OwnDataSource.class)
			.run((context) -> assertThat(context).hasSingleBean(HikariDataSource.class)
				.doesNotHaveBean(DataSourceCredentialsApplier.class));
	}

	@Test
	void backsOffForConnectionDetailsThatAreNotTheProperties() {
		this.runner.withUserConfiguration(OwnConnectionDetails.class)
			.run((context) -> assertThat(context).hasSingleBean(HikariDataSource.class)
				.doesNotHaveBean(DataSourceCredentialsApplier.class));
	}

	@Test
	void backsOffWhenConfigLagIsDisabled() {
		this.runner.withPropertyValues("config.lag.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(HikariDataSource.class)
				.doesNotHaveBean(DataSourceCredentialsApplier.class));
	}

	@Test
	void backsOffWithoutConfigLagPaths() {
		this.runner.withPropertyValues("config.lag.paths=")
			.run((context) -> assertThat(context).hasSingleBean(HikariDataSource.class)
				.doesNotHaveBean(DataSourceCredentialsApplier.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDataSource {

		@Bean
		HikariDataSource dataSource() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(URL);
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConnectionDetails {

		@Bean
		JdbcConnectionDetails jdbcConnectionDetails() {
			return new JdbcConnectionDetails() {

				@Override
				public String getUsername() {
					return "compose";
				}

				@Override
				public String getPassword() {
					return "compose";
				}

				@Override
				public String getJdbcUrl() {
					return URL;
				}

			};
		}

	}

}
