package io.configlag.jdbc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import io.configlag.reload.LiveConsumers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DataSourceCredentialsApplier}: which pair it determines from the
 * {@code Environment}, which keys it takes, what it rejects. The pool is never started
 * (HikariCP connects on first use); {@link DatabaseCredentialRotationTests} rotates
 * credentials on a real PostgreSQL.
 */
class DataSourceCredentialsApplierTests {

	private static final String OLD_PASSWORD = "old-s3cr3t-password";

	private static final String NEW_PASSWORD = "new-s3cr3t-password";

	private final Map<String, Object> volume = new LinkedHashMap<>();

	private final StandardEnvironment environment = new StandardEnvironment();

	private HikariDataSource dataSource;

	private DataSourceCredentialsApplier applier;

	@BeforeEach
	void createPool() {
		this.environment.getPropertySources().addFirst(new MapPropertySource("volume", this.volume));
		this.volume.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:1/app");
		this.volume.put("spring.datasource.username", "app");
		this.volume.put("spring.datasource.password", OLD_PASSWORD);
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/app");
		this.dataSource.setUsername("app");
		this.dataSource.setPassword(OLD_PASSWORD);
		this.applier = new DataSourceCredentialsApplier("dataSource", this.dataSource, this.environment, false);
	}

	@AfterEach
	void closePool() {
		this.dataSource.close();
	}

	@Test
	void newPasswordIsSetWithTheUsernameAndTheKeyIsRecorded() {
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		LiveConsumers consumers = validateAndApply("spring.datasource.password");
		assertCredentials("app", NEW_PASSWORD);
		assertThat(consumers.byKey())
			.containsExactly(Map.entry("spring.datasource.password", Set.of("datasource:dataSource")));
	}

	@Test
	void usernameAndPasswordAreSetTogether() {
		Credentials before = this.dataSource.getCredentials();
		this.volume.put("spring.datasource.username", "app_blue");
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		LiveConsumers consumers = validateAndApply("spring.datasource.username", "spring.datasource.password");
		assertThat(this.dataSource.getCredentials()).isNotSameAs(before);
		assertCredentials("app_blue", NEW_PASSWORD);
		assertThat(consumers.byKey()).containsOnlyKeys("spring.datasource.username", "spring.datasource.password");
	}

	@Test
	void hikariKeysWinOverTheDataSourceKeysAsWhenBootCreatesThePool() {
		this.volume.put("spring.datasource.hikari.username", "app_hikari");
		this.volume.put("spring.datasource.hikari.password", NEW_PASSWORD);
		this.volume.put("spring.datasource.password", "ignored-password");
		LiveConsumers consumers = validateAndApply("spring.datasource.hikari.username",
				"spring.datasource.hikari.password", "spring.datasource.password");
		assertCredentials("app_hikari", NEW_PASSWORD);
		assertThat(consumers.byKey()).containsOnlyKeys("spring.datasource.hikari.username",
				"spring.datasource.hikari.password", "spring.datasource.password");
	}

	@Test
	void removedHikariPasswordFallsBackToTheDataSourcePassword() {
		this.dataSource.setPassword("hikari-password");
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		validateAndApply("spring.datasource.hikari.password");
		assertCredentials("app", NEW_PASSWORD);
	}

	@Test
	void keysOtherThanTheCredentialsAreLeftToOthers() {
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		LiveConsumers consumers = validateAndApply("spring.datasource.url",
				"spring.datasource.hikari.maximum-pool-size", "app.name");
		assertCredentials("app", OLD_PASSWORD);
		assertThat(consumers.byKey()).isEmpty();
	}

	@Test
	void removedPasswordIsRejectedWithoutValues() {
		this.volume.remove("spring.datasource.password");
		assertThatIllegalStateException().isThrownBy(() -> validate("spring.datasource.password"))
			.withMessage("The new credentials of data source 'dataSource' are incomplete: it has no password "
					+ "(spring.datasource.password or spring.datasource.hikari.password); the pool keeps its current "
					+ "username and password");
		assertCredentials("app", OLD_PASSWORD);
	}

	@Test
	void emptyPasswordIsRejected() {
		this.volume.put("spring.datasource.hikari.password", "");
		assertThatIllegalStateException().isThrownBy(() -> validate("spring.datasource.hikari.password"))
			.withMessageContaining("it has no password");
	}

	@Test
	void removedUsernameIsRejected() {
		this.volume.remove("spring.datasource.username");
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		assertThatIllegalStateException()
			.isThrownBy(() -> validate("spring.datasource.username", "spring.datasource.password"))
			.withMessageContaining("it has no username")
			.withMessageNotContaining(NEW_PASSWORD)
			.withMessageNotContaining(OLD_PASSWORD);
	}

	@Test
	void passwordWithoutUsernameIsRejected() {
		this.dataSource.setCredentials(Credentials.of(null, null));
		this.volume.remove("spring.datasource.username");
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		assertThatIllegalStateException().isThrownBy(() -> validate("spring.datasource.password"))
			.withMessageContaining("it has a password but no username");
	}

	@Test
	void rollbackPutsThePreviousPairBackAndRecordsNothing() {
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		validateAndApply("spring.datasource.password");
		this.volume.put("spring.datasource.password", OLD_PASSWORD);
		this.applier.apply(Set.of("spring.datasource.password"), LiveConsumers.NONE);
		assertCredentials("app", OLD_PASSWORD);
		assertThat(LiveConsumers.NONE.byKey()).isEmpty();
	}

	@Test
	void poolWithACredentialsProviderIsLeftAlone() {
		this.dataSource.setCredentialsProvider(() -> Credentials.of("provided", "provided-password"));
		this.volume.remove("spring.datasource.password");
		LiveConsumers consumers = validateAndApply("spring.datasource.password");
		assertCredentials("app", OLD_PASSWORD);
		assertThat(consumers.byKey()).isEmpty();
	}

	@Test
	void evictionOfAPoolThatHasNotStartedDoesNothing() {
		DataSourceCredentialsApplier evicting = new DataSourceCredentialsApplier("dataSource", this.dataSource,
				this.environment, true);
		this.volume.put("spring.datasource.password", NEW_PASSWORD);
		LiveConsumers consumers = LiveConsumers.recording();
		evicting.apply(Set.of("spring.datasource.password"), consumers);
		assertCredentials("app", NEW_PASSWORD);
		assertThat(this.dataSource.getHikariPoolMXBean()).isNull();
		assertThat(consumers.isLive("spring.datasource.password")).isTrue();
	}

	private void validate(String... keys) {
		this.applier.validate(Set.of(keys), Binder.get(this.environment));
	}

	private LiveConsumers validateAndApply(String... keys) {
		validate(keys);
		LiveConsumers consumers = LiveConsumers.recording();
		this.applier.apply(Set.of(keys), consumers);
		return consumers;
	}

	private void assertCredentials(String username, String password) {
		assertThat(this.dataSource.getCredentials()).satisfies((credentials) -> {
			assertThat(credentials.getUsername()).isEqualTo(username);
			assertThat(credentials.getPassword()).isEqualTo(password);
		});
	}

}
