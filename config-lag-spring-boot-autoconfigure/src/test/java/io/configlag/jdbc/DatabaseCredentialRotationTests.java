package io.configlag.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagDataSourceAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.PostgresServer;
import io.configlag.test.ReloadEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Database credentials rotated through a Secret volume reach Spring Boot's
 * auto-configured Hikari pool on a real PostgreSQL: the role's password (or the role
 * itself) changes in the database, the Secret follows, a failover drops every connection
 * of the application, and the pool reconnects with the new credentials, without a
 * restart, a new {@code DataSource} or a password in the output.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class DatabaseCredentialRotationTests {

	private static final Duration RECOVERY = Duration.ofSeconds(10);

	/**
	 * HikariCP hands out a connection that was used less than 500 ms ago without checking
	 * that it is alive ({@code com.zaxxer.hikari.aliveBypassWindowMs}); after a failover,
	 * an error-free run starts once that window has passed for every connection the
	 * failover killed.
	 */
	private static final Duration ALIVE_BYPASS_WINDOW = Duration.ofMillis(600);

	private static final int QUERIES = 50;

	private static final String PASSWORD_A = "pw-a-0d1f2e3c-initial";

	private static final String PASSWORD_B = "pw-b-5e6f7a8b-rotated";

	private static final String PASSWORD_C = "pw-c-9c0d1e2f-rotated";

	private static final String PASSWORD_D = "pw-d-3a4b5c6d-new-role";

	private static final List<String> PASSWORDS = List.of(PASSWORD_A, PASSWORD_B, PASSWORD_C, PASSWORD_D);

	private static PostgresServer postgres;

	@TempDir
	Path temp;

	private final List<Logger> debugLoggers = new ArrayList<>();

	@BeforeAll
	static void startPostgres() {
		postgres = PostgresServer.start();
	}

	@AfterAll
	static void stopPostgres() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@BeforeEach
	void everyMessageIsChecked() {
		for (String name : List.of("io.configlag", "com.zaxxer.hikari")) {
			Logger logger = (Logger) LoggerFactory.getLogger(name);
			logger.setLevel(Level.DEBUG);
			this.debugLoggers.add(logger);
		}
	}

	@AfterEach
	void restoreLogLevels() {
		this.debugLoggers.forEach((logger) -> logger.setLevel(null));
	}

	@Test
	void rotatedPasswordReachesThePoolAfterAFailoverTwice(CapturedOutput output) {
		postgres.createDatabase("orders", "orders", PASSWORD_A);
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("db"))
			.write(Map.of("spring.datasource.username", "orders", "spring.datasource.password", PASSWORD_A));
		runner(secret, "orders").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			long startupDate = context.getStartupDate();
			assertThat(currentUser(dataSource)).isEqualTo("orders");
			int rotation = 0;
			for (String password : List.of(PASSWORD_B, PASSWORD_C)) {
				postgres.execute("ALTER ROLE orders PASSWORD '" + password + "'");
				secret.update("spring.datasource.password", password);
				ReloadEvents.awaitApplied(context, ++rotation);
				ConfigReloadResult result = lastApplied(context);
				assertThat(result.outcome()).isEqualTo(ReloadOutcome.APPLIED);
				assertThat(result.changed()).containsExactly("spring.datasource.password");
				assertThat(result.consumers()).containsEntry("spring.datasource.password",
						Set.of("datasource:dataSource"));
				assertThat(result.restartKeys()).isEmpty();
				assertThat(result.notRebound()).isEmpty();
				failover("orders");
				awaitRecovery(dataSource, "orders");
			}
			assertThat(context.getBean(ConfigReloadService.class).getRestartKeys()).isEmpty();
			assertThat(context.getBean(DataSource.class)).isSameAs(dataSource);
			assertThat(context.getStartupDate()).isEqualTo(startupDate);
			assertThat(context.isActive()).isTrue();
			assertThat(dataSource.isClosed()).isFalse();
		});
		assertThat(output).contains("Data source 'dataSource' opens its new connections with the new password");
		assertNoPasswordIn(output);
	}

	@Test
	void usernameAndPasswordRotatedTogetherReachThePoolAsOnePair(CapturedOutput output) {
		postgres.createDatabase("billing", "billing", PASSWORD_A);
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("db"))
			.write(Map.of("spring.datasource.username", "billing", "spring.datasource.password", PASSWORD_A));
		runner(secret, "billing").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(currentUser(dataSource)).isEqualTo("billing");
			postgres.execute("CREATE ROLE billing_blue LOGIN PASSWORD '" + PASSWORD_D + "' IN ROLE billing");
			secret
				.write(Map.of("spring.datasource.username", "billing_blue", "spring.datasource.password", PASSWORD_D));
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult result = lastApplied(context);
			assertThat(result.changed()).containsExactly("spring.datasource.password", "spring.datasource.username");
			assertThat(result.consumers()).containsEntry("spring.datasource.username", Set.of("datasource:dataSource"))
				.containsEntry("spring.datasource.password", Set.of("datasource:dataSource"));
			assertThat(result.restartKeys()).isEmpty();
			// Connections already open keep working until the pool retires them
			assertThat(backendsOf(dataSource, "billing")).isPositive();
			postgres.execute("ALTER ROLE billing NOLOGIN");
			failover("billing");
			awaitRecovery(dataSource, "billing_blue");
			assertThat(context.getBean(DataSource.class)).isSameAs(dataSource);
		});
		assertThat(output)
			.contains("Data source 'dataSource' opens its new connections with the new username and password");
		assertNeverAMixedPair(output);
		assertNoPasswordIn(output);
	}

	@Test
	void hikariCredentialsRotatedWithEvictionReplaceTheIdleConnectionsAtOnce(CapturedOutput output) {
		postgres.createDatabase("shipping", "shipping", PASSWORD_A);
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("db"))
			.write(Map.of("spring.datasource.hikari.username", "shipping", "spring.datasource.hikari.password",
					PASSWORD_A));
		runner(secret, "shipping").withPropertyValues("config.lag.datasource.evict-idle-connections=true")
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				assertThat(currentUser(dataSource)).isEqualTo("shipping");
				// A connection being opened at the swap may still get the old pair: the
				// pool reads its credentials when it starts opening one
				awaitFullPool(dataSource);
				postgres.execute("CREATE ROLE shipping_green LOGIN PASSWORD '" + PASSWORD_B + "' IN ROLE shipping");
				secret.write(Map.of("spring.datasource.hikari.username", "shipping_green",
						"spring.datasource.hikari.password", PASSWORD_B));
				ReloadEvents.awaitApplied(context, 1);
				ConfigReloadResult result = lastApplied(context);
				assertThat(result.consumers())
					.containsEntry("spring.datasource.hikari.username", Set.of("datasource:dataSource"))
					.containsEntry("spring.datasource.hikari.password", Set.of("datasource:dataSource"));
				assertThat(result.restartKeys()).isEmpty();
				// The pool took every changed key of its prefix: it is not reported as
				// not rebound
				assertThat(result.notRebound()).isEmpty();
				// No failover: the pool evicted the connections of the old role itself
				await().atMost(RECOVERY).untilAsserted(() -> assertThat(backendsOf(dataSource, "shipping")).isZero());
				assertThat(currentUser(dataSource)).isEqualTo("shipping_green");
			});
		assertThat(output).contains("its idle connections were evicted");
		assertNeverAMixedPair(output);
		assertNoPasswordIn(output);
	}

	@Test
	void incompletePairIsRejectedAndThePoolKeepsTheCurrentOne(CapturedOutput output) {
		postgres.createDatabase("payments", "payments", PASSWORD_A);
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("db"))
			.write(Map.of("spring.datasource.username", "payments", "spring.datasource.password", PASSWORD_A));
		runner(secret, "payments").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(currentUser(dataSource)).isEqualTo("payments");
			secret.write(Map.of("spring.datasource.username", "payments_blue"));
			ReloadEvents events = ReloadEvents.of(context);
			await().atMost(ReloadEvents.TIMEOUT).until(() -> !events.withOutcome(ReloadOutcome.REJECTED).isEmpty());
			ConfigReloadResult rejected = events.withOutcome(ReloadOutcome.REJECTED).get(0);
			assertThat(rejected.error()).contains("The new credentials of data source 'dataSource' are incomplete")
				.contains("it has no password")
				.doesNotContain("payments_blue");
			assertThat(dataSource.getUsername()).isEqualTo("payments");
			assertThat(dataSource.getPassword()).isEqualTo(PASSWORD_A);
			assertThat(context.getEnvironment().getProperty("spring.datasource.username")).isEqualTo("payments");
			failover("payments");
			awaitRecovery(dataSource, "payments");
		});
		assertThat(output).contains("Config update rejected");
		assertNoPasswordIn(output);
	}

	private ApplicationContextRunner runner(KubeletVolume secret, String database) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshAutoConfiguration.class,
					ConfigurationPropertiesRebinderAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class,
					ConfigLagAutoConfiguration.class, ConfigLagDataSourceAutoConfiguration.class))
			.withUserConfiguration(Events.class)
			.withPropertyValues("config.lag.paths=" + secret.directory(),
					"spring.datasource.url=" + postgres.jdbcUrl(database),
					"spring.datasource.hikari.maximum-pool-size=3");
	}

	private static ConfigReloadResult lastApplied(AssertableApplicationContext context) {
		List<ConfigReloadResult> applied = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED);
		return applied.get(applied.size() - 1);
	}

	/*
	 * A failover, as the application sees it: the database drops every connection of the
	 * given role.
	 */
	private static void failover(String user) {
		postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + user + "'");
	}

	/*
	 * Queries succeed again within seconds, then without a single error.
	 */
	private static void awaitRecovery(DataSource dataSource, String user) {
		await().atMost(RECOVERY).ignoreExceptions().until(() -> user.equals(currentUser(dataSource)));
		await().pollDelay(ALIVE_BYPASS_WINDOW).atMost(RECOVERY).until(() -> {
			for (int i = 0; i < QUERIES; i++) {
				assertThat(currentUser(dataSource)).isEqualTo(user);
			}
			return true;
		});
	}

	private static void awaitFullPool(HikariDataSource dataSource) {
		HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
		await().atMost(RECOVERY)
			.until(() -> pool.getTotalConnections() == dataSource.getMaximumPoolSize()
					&& pool.getIdleConnections() == pool.getTotalConnections());
	}

	private static String currentUser(DataSource dataSource) throws SQLException {
		return query(dataSource, "SELECT current_user");
	}

	private static int backendsOf(DataSource dataSource, String user) throws SQLException {
		return Integer
			.parseInt(query(dataSource, "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + user + "'"));
	}

	private static String query(DataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	/*
	 * Both the old and the new pair are valid in the database during the swap, a mixed
	 * pair is not: had the pool tried one, PostgreSQL's refusal would be in HikariCP's
	 * DEBUG output.
	 */
	private static void assertNeverAMixedPair(CapturedOutput output) {
		assertThat(output).contains("Established new connection").doesNotContain("authentication failed");
	}

	private static void assertNoPasswordIn(CapturedOutput output) {
		assertThat(output).doesNotContain(PASSWORDS.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

	}

}
