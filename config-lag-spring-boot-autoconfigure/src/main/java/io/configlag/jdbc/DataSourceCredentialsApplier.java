package io.configlag.jdbc;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.Credentials;
import io.configlag.reload.LiveConsumers;
import io.configlag.reload.ReloadApplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.ObjectUtils;
import org.springframework.util.StringUtils;

/**
 * Takes rotated database credentials to Spring Boot's auto-configured Hikari
 * {@code DataSource}: when {@code spring.datasource.username} or
 * {@code spring.datasource.password} (or their {@code spring.datasource.hikari.*}
 * counterparts, which win as they do when Spring Boot creates the pool) change, the
 * running pool opens every new connection with the new username and password, set as one
 * pair through {@link com.zaxxer.hikari.HikariConfigMXBean#setCredentials(Credentials)},
 * so that no connection is ever attempted with the new username and the old password.
 * <p>
 * The pair is determined as Spring Boot determines it when it creates the pool: a fresh
 * {@link DataSourceProperties} bound from the {@code Environment} gives
 * {@link DataSourceProperties#determineUsername()} and
 * {@link DataSourceProperties#determinePassword()}, which a bound
 * {@code spring.datasource.hikari.username} or {@code spring.datasource.hikari.password}
 * overrides. The {@code DataSource} is never replaced nor rebound; connections already
 * open keep working until the pool retires them (its {@code max-lifetime}), unless
 * idle-connection eviction is enabled, which asks the pool to retire them at once
 * ({@link HikariPoolMXBean#softEvictConnections()}: idle connections are closed, those in
 * use when they return to the pool).
 * <p>
 * A new version whose pair would be incomplete (a username or password that the pool has
 * now and that the new version removes, or a password without a username) is rejected
 * before it replaces the current one. A pool that gets its credentials from a
 * {@code HikariCredentialsProvider} is left alone.
 *
 * @author The config-lag developers
 */
public final class DataSourceCredentialsApplier implements ReloadApplier {

	private static final Log logger = LogFactory.getLog(DataSourceCredentialsApplier.class);

	private static final String PREFIX = "spring.datasource";

	private static final ConfigurationPropertyName HIKARI_USERNAME = ConfigurationPropertyName
		.of("spring.datasource.hikari.username");

	private static final ConfigurationPropertyName HIKARI_PASSWORD = ConfigurationPropertyName
		.of("spring.datasource.hikari.password");

	private static final List<ConfigurationPropertyName> CREDENTIAL_KEYS = List.of(
			ConfigurationPropertyName.of("spring.datasource.username"),
			ConfigurationPropertyName.of("spring.datasource.password"), HIKARI_USERNAME, HIKARI_PASSWORD);

	private final String beanName;

	private final HikariDataSource dataSource;

	private final Environment environment;

	private final boolean evictIdleConnections;

	/**
	 * Create a new instance.
	 * @param beanName the name of the {@code DataSource} bean
	 * @param dataSource the pool
	 * @param environment the {@code Environment} the credentials are read from
	 * @param evictIdleConnections whether to evict the pool's connections as soon as its
	 * credentials change
	 */
	public DataSourceCredentialsApplier(String beanName, HikariDataSource dataSource, Environment environment,
			boolean evictIdleConnections) {
		this.beanName = beanName;
		this.dataSource = dataSource;
		this.environment = environment;
		this.evictIdleConnections = evictIdleConnections;
	}

	/**
	 * Return the name of the consumer this applier records:
	 * {@code datasource:<beanName>}.
	 * @return the consumer name
	 */
	public String consumerName() {
		return "datasource:" + this.beanName;
	}

	@Override
	public void validate(Set<String> keys, Binder candidate) {
		if (credentialKeys(keys).isEmpty() || !usesConfiguredCredentials()) {
			return;
		}
		String missing = missingPart(this.dataSource.getCredentials(), credentials(candidate));
		if (missing != null) {
			throw new IllegalStateException("The new credentials of data source '" + this.beanName
					+ "' are incomplete: " + missing + "; the pool keeps its current username and password");
		}
	}

	@Override
	public void apply(Set<String> keys, LiveConsumers consumers) {
		Set<String> taken = credentialKeys(keys);
		if (taken.isEmpty() || !usesConfiguredCredentials()) {
			return;
		}
		Credentials current = this.dataSource.getCredentials();
		Credentials next = credentials(Binder.get(this.environment));
		if (!ObjectUtils.nullSafeEquals(current.getUsername(), next.getUsername())
				|| !ObjectUtils.nullSafeEquals(current.getPassword(), next.getPassword())) {
			this.dataSource.getHikariConfigMXBean().setCredentials(next);
			boolean evicted = evictIfEnabled();
			if (logger.isInfoEnabled()) {
				String what = ObjectUtils.nullSafeEquals(current.getUsername(), next.getUsername()) ? "password"
						: "username and password";
				logger.info("Data source '" + this.beanName + "' opens its new connections with the new " + what
						+ (evicted ? "; its idle connections were evicted"
								: "; open connections are kept until the pool retires them"));
			}
		}
		consumers.took(consumerName(), taken);
	}

	private boolean evictIfEnabled() {
		if (!this.evictIdleConnections) {
			return false;
		}
		HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
		if (pool == null) {
			return false;
		}
		pool.softEvictConnections();
		return true;
	}

	/*
	 * The pool reads its configured credentials unless it has a credentials provider of
	 * its own.
	 */
	private boolean usesConfiguredCredentials() {
		return this.dataSource.getCredentialsProvider() == null;
	}

	/*
	 * The username and password that Spring Boot's DataSourceConfiguration.Hikari gives
	 * the pool: DataSourceProperties#determineUsername()/determinePassword() (what
	 * PropertiesJdbcConnectionDetails returns), then the binding of
	 * spring.datasource.hikari, whose username and password win when they are set.
	 */
	private Credentials credentials(Binder binder) {
		DataSourceProperties properties = new DataSourceProperties();
		properties.setBeanClassLoader(classLoader());
		binder.bind(PREFIX, Bindable.ofInstance(properties));
		try {
			properties.afterPropertiesSet();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Failed to initialize the data source properties", ex);
		}
		String username = binder.bind(HIKARI_USERNAME, Bindable.of(String.class))
			.orElseGet(properties::determineUsername);
		String password = binder.bind(HIKARI_PASSWORD, Bindable.of(String.class))
			.orElseGet(properties::determinePassword);
		return Credentials.of(username, password);
	}

	private ClassLoader classLoader() {
		ClassLoader classLoader = this.dataSource.getClass().getClassLoader();
		return (classLoader != null) ? classLoader : ClassLoader.getSystemClassLoader();
	}

	/*
	 * HikariCP passes the password only together with a username
	 * (PoolBase#newConnection), and a part that the pool has now must not disappear.
	 */
	private static @Nullable String missingPart(Credentials current, Credentials next) {
		boolean username = StringUtils.hasLength(next.getUsername());
		boolean password = StringUtils.hasLength(next.getPassword());
		if (!username && StringUtils.hasLength(current.getUsername())) {
			return "it has no username (spring.datasource.username or spring.datasource.hikari.username)";
		}
		if (!password && StringUtils.hasLength(current.getPassword())) {
			return "it has no password (spring.datasource.password or spring.datasource.hikari.password)";
		}
		if (!username && password) {
			return "it has a password but no username";
		}
		return null;
	}

	private static Set<String> credentialKeys(Set<String> keys) {
		Set<String> credentialKeys = new TreeSet<>();
		for (String key : keys) {
			if (CREDENTIAL_KEYS.contains(ConfigurationPropertyName.adapt(key, '.'))) {
				credentialKeys.add(key);
			}
		}
		return credentialKeys;
	}

}
