package io.configlag.reload;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.configlag.ConfigReloadResult;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.PostgresServer;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spring-petclinic case: Spring Boot's
 * {@code @Bean @ConfigurationProperties("spring.datasource.hikari") HikariDataSource},
 * auto-configured on a real PostgreSQL, is a live resource. A live
 * {@code spring.datasource.hikari.maximum-pool-size} change is reported as requiring a
 * restart and leaves the very same data source and pool serving queries, with the URL and
 * credentials Spring Boot set in code.
 */
@InjectsFaults
class HikariReloadTests {

	@TempDir
	Path temp;

	@Test
	void hikariPoolSizeChangeIsRestartRequiredAndThePoolKeepsServing() throws Exception {
		try (PostgresServer postgres = PostgresServer.start()) {
			postgres.createDatabase("petclinic", "petclinic", "pet-secret");
			KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
				.write(Map.of("config.yaml", "app:\n  name: one\n"));
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
						RefreshAutoConfiguration.class, ConfigurationPropertiesRebinderAutoConfiguration.class,
						ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
				.withUserConfiguration(Events.class)
				.withPropertyValues("config.lag.paths=" + volume.directory(),
						"spring.datasource.url=" + postgres.jdbcUrl("petclinic"),
						"spring.datasource.username=petclinic", "spring.datasource.password=pet-secret")
				.run((context) -> {
					HikariDataSource dataSource = context.getBean(HikariDataSource.class);
					assertThat(queryOne(dataSource)).isOne();
					HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
					int maximumPoolSize = dataSource.getMaximumPoolSize();
					assertThat(maximumPoolSize).isNotEqualTo(5);
					volume.write(Map.of("config.yaml",
							"app:\n  name: one\nspring:\n  datasource:\n    hikari:\n      maximum-pool-size: 5\n"));
					ConfigReloadResult result = ReloadEvents.awaitRestartRequired(context, 1);
					assertThat(result.notRebound()).containsExactly("dataSource");
					assertThat(result.restartKeys()).containsExactly("spring.datasource.hikari.maximum-pool-size");
					assertThat(context.getBean(DataSource.class)).isSameAs(dataSource);
					assertThat(dataSource.isClosed()).isFalse();
					assertThat(dataSource.getHikariPoolMXBean()).isSameAs(pool);
					assertThat(dataSource.getMaximumPoolSize()).isEqualTo(maximumPoolSize);
					assertThat(dataSource.getJdbcUrl()).isEqualTo(postgres.jdbcUrl("petclinic"));
					assertThat(dataSource.getUsername()).isEqualTo("petclinic");
					assertThat(queryOne(dataSource)).isOne();
					assertThat(new DataSourceHealthIndicator(dataSource, "SELECT 1").health().getStatus())
						.isEqualTo(Status.UP);
				});
		}
	}

	private static int queryOne(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

	}

}
