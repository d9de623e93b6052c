package io.configlag.reload;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import jakarta.validation.constraints.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Constructor-bound {@code @ConfigurationProperties} beans (a record and a class with a
 * binding constructor) take a new version live: a new instance, bound and validated
 * against the version, becomes the bean's instance, which whatever looks the bean up
 * ({@code ObjectProvider}, {@code @RefreshScope} beans) gets; a singleton that had it
 * injected directly keeps its instance, is reported, and the keys require a restart.
 */
@InjectsFaults
class ValueObjectBeansTests {

	@TempDir
	Path temp;

	@ParameterizedTest
	@ValueSource(classes = { RecordBeans.class, ClassBeans.class })
	void newInstanceReachesObjectProviderAndRefreshScope(Class<?> beans) {
		KubeletVolume volume = volume("u1", "p1");
		runner(volume, beans).run((context) -> {
			Credentials before = context.getBean(Credentials.class);
			ProviderConsumer provider = context.getBean(ProviderConsumer.class);
			RefreshedConsumer refreshed = context.getBean(RefreshedConsumer.class);
			assertThat(refreshed.pair()).isEqualTo("u1/p1");
			volume.update("config.yaml", credentials("u2", "p2"));
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult result = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(result.changed()).containsExactly("db.password", "db.user");
			assertThat(result.notRebound()).isEmpty();
			assertThat(result.restartKeys()).isEmpty();
			assertThat(pair(provider.current())).isEqualTo("u2/p2");
			assertThat(context.getBean(Credentials.class)).isSameAs(provider.current()).isNotSameAs(before);
			assertThat(refreshed.pair()).isEqualTo("u2/p2");
			assertThat(pair(before)).as("the previous instance").isEqualTo("u1/p1");
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { RecordBeans.class, ClassBeans.class })
	void invalidValuesRejectTheVersionAndKeepTheInstance(Class<?> beans) {
		KubeletVolume volume = volume("u1", "p1");
		runner(volume, beans).run((context) -> {
			Credentials before = context.getBean(Credentials.class);
			volume.update("config.yaml", credentials("bad", "p2"));
			awaitRejected(context);
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).get(0).error()).contains("db.user");
			assertThat(context.getBean(ProviderConsumer.class).current()).isSameAs(before);
			assertThat(context.getBean(RefreshedConsumer.class).pair()).isEqualTo("u1/p1");
			assertThat(context.getEnvironment().getProperty("db.user")).isEqualTo("u1");
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { RecordBeans.class, ClassBeans.class })
	void failureLaterInTheReloadPutsThePreviousInstanceBack(Class<?> beans) {
		KubeletVolume volume = volume("u1", "p1");
		runner(volume, beans).withUserConfiguration(FailingListener.class).run((context) -> {
			Credentials before = context.getBean(Credentials.class);
			context.getBean(FailingListener.class).fail = true;
			volume.update("config.yaml", credentials("u2", "p2"));
			awaitRejected(context);
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).get(0).error())
				.contains("listener failed");
			assertThat(context.getBean(ProviderConsumer.class).current()).isSameAs(before);
			assertThat(context.getEnvironment().getProperty("db.user")).isEqualTo("u1");
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { RecordBeans.class, ClassBeans.class })
	void directConsumerIsReportedKeepsItsInstanceAndTheKeysRequireARestart(Class<?> beans) {
		KubeletVolume volume = volume("u1", "p1");
		runner(volume, beans).withUserConfiguration(DirectConsumerConfiguration.class).run((context) -> {
			DirectConsumer direct = context.getBean(DirectConsumer.class);
			assertThat(context.getBean(StartupChecks.class).getWarnings())
				.anySatisfy((warning) -> assertThat(warning).contains("[directConsumer]").contains("ObjectProvider"));
			assertThat(context.getBean(ConfigReloadService.class).getWarnings())
				.anySatisfy((warning) -> assertThat(warning).contains("[directConsumer]"));
			volume.update("config.yaml", credentials("u2", "p2"));
			ReloadEvents.awaitApplied(context, 1);
			ConfigReloadResult result = ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(result.notRebound()).containsExactly("directConsumer");
			assertThat(result.restartKeys()).containsExactly("db.password", "db.user");
			assertThat(pair(direct.credentials())).isEqualTo("u1/p1");
			assertThat(pair(context.getBean(ProviderConsumer.class).current())).isEqualTo("u2/p2");
			assertThat(context.getBean(RefreshedConsumer.class).pair()).isEqualTo("u2/p2");
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { RecordBeans.class, ClassBeans.class })
	void readerNeverSeesValuesOfTwoVersions(Class<?> beans) {
		KubeletVolume volume = volume("u0", "p0");
		runner(volume, beans).run((context) -> {
			ProviderConsumer provider = context.getBean(ProviderConsumer.class);
			ConfigReloadService service = context.getBean(ConfigReloadService.class);
			AtomicBoolean stop = new AtomicBoolean();
			AtomicReference<String> mixed = new AtomicReference<>();
			Set<String> seen = ConcurrentHashMap.newKeySet();
			Thread reader = new Thread(() -> {
				while (!stop.get()) {
					Credentials credentials = provider.current();
					String user = credentials.user();
					String password = credentials.password();
					if (user == null || password == null || !user.substring(1).equals(password.substring(1))) {
						mixed.compareAndSet(null, user + "/" + password);
					}
					seen.add(user);
				}
			}, "reader");
			reader.start();
			try {
				for (int i = 1; i <= 200; i++) {
					String user = "u" + i;
					volume.update("config.yaml", credentials(user, "p" + i));
					// the watcher may have applied it first; either way it is in effect
					service.reload();
					assertThat(provider.current().user()).isEqualTo(user);
				}
				// the reader runs on its own schedule: give it time to read the last
				// version
				await().atMost(ReloadEvents.TIMEOUT).until(() -> seen.contains("u200"));
			}
			finally {
				stop.set(true);
			}
			await().atMost(ReloadEvents.TIMEOUT).until(() -> !reader.isAlive());
			assertThat(mixed.get()).as("a pair from two versions").isNull();
			assertThat(seen).as("versions the reader saw").hasSizeGreaterThan(1);
		});
	}

	private KubeletVolume volume(String user, String password) {
		return KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", credentials(user, password)));
	}

	private static String credentials(String user, String password) {
		return "db:\n  user: " + user + "\n  password: " + password + "\n";
	}

	private static ApplicationContextRunner runner(KubeletVolume volume, Class<?> beans) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(beans, Consumers.class)
			.withPropertyValues("config.lag.paths=" + volume.directory());
	}

	private static void awaitRejected(AssertableApplicationContext context) {
		ReloadEvents events = ReloadEvents.of(context);
		await().atMost(ReloadEvents.TIMEOUT).until(() -> !events.withOutcome(ReloadOutcome.REJECTED).isEmpty());
	}

	private static String pair(Credentials credentials) {
		return credentials.user() + "/" + credentials.password();
	}

	interface Credentials {

		String user();

		String password();

	}

	@ConfigurationProperties("db")
	@Validated
	record RecordCredentials(@Pattern(regexp = "u\\d+") String user, String password) implements Credentials {

	}

	@ConfigurationProperties("db")
	@Validated
	static final class ClassCredentials implements Credentials {

		@Pattern(regexp = "u\\d+")
		private final String user;

		private final String password;

		ClassCredentials(String user, String password) {
			this.user = user;
			this.password = password;
		}

		@Override
		public String user() {
			return this.user;
		}

		@Override
		public String password() {
			return this.password;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RecordCredentials.class)
	static class RecordBeans {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ClassCredentials.class)
	static class ClassBeans {

	}

	@Configuration(proxyBeanMethods = false)
	static class Consumers {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

		@Bean
		ProviderConsumer providerConsumer(ObjectProvider<Credentials> credentials) {
			return new ProviderConsumer(credentials);
		}

		@Bean
		@RefreshScope
		RefreshedConsumer refreshedConsumer(Credentials credentials) {
			return new RefreshedConsumer(credentials);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DirectConsumerConfiguration {

		@Bean
		DirectConsumer directConsumer(Credentials credentials) {
			return new DirectConsumer(credentials);
		}

	}

	/**
	 * Looks the credentials up where it uses them.
	 */
	record ProviderConsumer(ObjectProvider<Credentials> credentials) {

		Credentials current() {
			return this.credentials.getObject();
		}

	}

	/**
	 * Keeps the credentials it was given, and is built again by each reload.
	 */
	static class RefreshedConsumer {

		private final Credentials credentials;

		RefreshedConsumer(Credentials credentials) {
			this.credentials = credentials;
		}

		String pair() {
			return ValueObjectBeansTests.pair(this.credentials);
		}

	}

	/**
	 * Keeps the credentials it was given.
	 */
	record DirectConsumer(Credentials credentials) {

	}

	static class FailingListener implements ApplicationListener<EnvironmentChangeEvent> {

		volatile boolean fail;

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			if (this.fail) {
				throw new IllegalStateException("listener failed");
			}
		}

	}

}
