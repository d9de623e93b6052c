package io.configlag.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.configlag.jdbc.DataSourceCredentialsApplier;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that takes rotated database credentials to Spring Boot's
 * auto-configured Hikari {@code DataSource} ({@link DataSourceCredentialsApplier}, a
 * {@code ReloadApplier} that {@link ConfigLagAutoConfiguration} hands every reload to).
 * <p>
 * It applies only when Spring Boot configured the pool from the
 * {@code spring.datasource.*} properties, that is when the {@code JdbcConnectionDetails}
 * are Spring Boot's {@code PropertiesJdbcConnectionDetails}: with other connection
 * details (Docker Compose, Testcontainers, the application's own) or a {@code DataSource}
 * of the application's own, the credential keys do not reach the pool and stay
 * restart-required.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		before = ConfigLagAutoConfiguration.class)
@ConditionalOnClass({ HikariDataSource.class, DataSourceProperties.class })
@ConditionalOnBooleanProperty(name = "config.lag.enabled", matchIfMissing = true)
@Conditional(OnConfigLagPathsCondition.class)
@ConditionalOnBean(value = HikariDataSource.class, name = ConfigLagDataSourceAutoConfiguration.DATA_SOURCE,
		type = "org.springframework.boot.jdbc.autoconfigure.PropertiesJdbcConnectionDetails")
@EnableConfigurationProperties(ConfigLagDataSourceProperties.class)
public final class ConfigLagDataSourceAutoConfiguration {

	/**
	 * The name of the bean that Spring Boot's {@code DataSourceConfiguration.Hikari}
	 * registers.
	 */
	static final String DATA_SOURCE = "dataSource";

	@Bean
	DataSourceCredentialsApplier configLagDataSourceCredentialsApplier(
			@Qualifier(DATA_SOURCE) HikariDataSource dataSource, Environment environment,
			ConfigLagDataSourceProperties properties) {
		return new DataSourceCredentialsApplier(DATA_SOURCE, dataSource, environment,
				properties.isEvictIdleConnections());
	}

}
