package io.configlag.ssl;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSslAutoConfiguration;
import io.configlag.reload.LiveConsumers;
import io.configlag.reload.ReloadApplier;
import io.configlag.ssl.TestCertificates.Pem;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A certificate and key in a watched {@code kubernetes.io/tls} Secret volume reach the
 * embedded Tomcat through Spring Boot's SSL bundle {@code server}, checked with real TLS
 * handshakes by the JDK's client: the new certificate is presented after the kubelet
 * swap, a certificate that does not match its key is rejected and the old certificate
 * stays. A key store that cannot be read is rejected too, and a rollback puts back the
 * bundle that was served.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class SslBundleApplierTests {

	@TempDir
	Path temp;

	private TestCertificates certificates;

	private Pem authority;

	private KubeletVolume secret;

	@BeforeEach
	void createCertificates() throws Exception {
		this.certificates = new TestCertificates(Files.createDirectories(this.temp.resolve("pki")));
		this.authority = this.certificates.authority("ca-one");
		this.secret = KubeletVolume.secret(this.temp.resolve("tls"));
	}

	@Test
	void newCertificateIsPresentedAfterTheKubeletSwap() {
		Pem first = this.certificates.server("first", this.authority);
		this.secret.write(tls(first));
		try (ConfigurableApplicationContext context = start()) {
			int port = TlsApplication.port(context);
			ReloadEvents events = ReloadEvents.of(context);
			assertThat(TlsApplication.presentedCertificate(port, this.authority.x509())).isEqualTo(first.x509());
			for (int rotation = 1; rotation <= 2; rotation++) {
				Pem next = this.certificates.server("rotation-" + rotation, this.authority);
				long swapped = System.nanoTime();
				this.secret.write(tls(next));
				awaiting()
					.until(() -> next.x509().equals(TlsApplication.presentedCertificate(port, this.authority.x509())));
				Duration presentedAfter = Duration.ofNanos(System.nanoTime() - swapped);
				int count = rotation;
				awaiting().until(() -> events.withOutcome(ReloadOutcome.APPLIED).size() == count);
				ConfigReloadResult applied = events.withOutcome(ReloadOutcome.APPLIED).get(rotation - 1);
				System.out.println("Rotation " + rotation + ": new certificate presented " + presentedAfter.toMillis()
						+ " ms after the kubelet swap (reload took " + applied.duration().toMillis() + " ms)");
				assertThat(applied.changed()).containsExactlyInAnyOrder("tls.crt", "tls.key");
				assertThat(applied.consumers()).containsEntry("tls.crt", Set.of("ssl-bundle:server"))
					.containsEntry("tls.key", Set.of("ssl-bundle:server"));
				assertThat(applied.restartKeys()).isEmpty();
			}
			assertThat(events.withOutcome(ReloadOutcome.REJECTED)).isEmpty();
		}
	}

	@Test
	void certificateThatDoesNotMatchItsKeyIsRejectedAndTheOldCertificateStays(CapturedOutput output) {
		Pem first = this.certificates.server("first", this.authority);
		Pem second = this.certificates.server("second", this.authority);
		Pem third = this.certificates.server("third", this.authority);
		this.secret.write(tls(first));
		try (ConfigurableApplicationContext context = start()) {
			int port = TlsApplication.port(context);
			ReloadEvents events = ReloadEvents.of(context);
			this.secret.write(Map.of("tls.crt", second.certificate(), "tls.key", first.key()));
			awaiting().until(() -> !events.withOutcome(ReloadOutcome.REJECTED).isEmpty());
			ConfigReloadResult rejected = events.withOutcome(ReloadOutcome.REJECTED).get(0);
			assertThat(rejected.error()).contains("SSL bundle 'server' cannot be built from the new version")
				.contains("Private key in keystore matches none of the certificates in the chain")
				.doesNotContain("BEGIN")
				.doesNotContain(body(first.key()))
				.doesNotContain(body(second.certificate()));
			assertThat(TlsApplication.presentedCertificate(port, this.authority.x509())).isEqualTo(first.x509());
			assertThat(context.getEnvironment().getProperty("tls.crt")).isEqualTo(first.certificate());
			// A good pair is taken after the rejected one
			this.secret.write(tls(third));
			awaiting()
				.until(() -> third.x509().equals(TlsApplication.presentedCertificate(port, this.authority.x509())));
			assertThat(events.withOutcome(ReloadOutcome.APPLIED)).hasSize(1);
		}
		assertThat(output).contains("Config update rejected")
			.doesNotContain(body(first.key()))
			.doesNotContain(body(second.certificate()))
			.doesNotContain(body(third.key()));
	}

	@Test
	void rollbackPutsBackTheBundleThatWasServed() {
		Pem first = this.certificates.server("first", this.authority);
		Pem second = this.certificates.server("second", this.authority);
		this.secret.write(tls(first));
		try (ConfigurableApplicationContext context = start(new Class<?>[] { FailingApplierConfiguration.class })) {
			int port = TlsApplication.port(context);
			ReloadEvents events = ReloadEvents.of(context);
			this.secret.write(tls(second));
			awaiting().until(() -> !events.withOutcome(ReloadOutcome.REJECTED).isEmpty());
			assertThat(events.withOutcome(ReloadOutcome.REJECTED).get(0).error()).contains("injected apply failure");
			assertThat(TlsApplication.presentedCertificate(port, this.authority.x509())).isEqualTo(first.x509());
		}
	}

	@Test
	void warnsOnceAboutBootsWatcherForABundleInAWatchedPath(CapturedOutput output) {
		this.secret.write(tls(this.certificates.server("first", this.authority)));
		try (ConfigurableApplicationContext context = start("spring.ssl.bundle.pem.server.reload-on-update=true")) {
			assertThat(output).containsOnlyOnce("SSL bundles 'server' (in " + this.secret.directory()
					+ ") set reload-on-update=true, but their files lie in config.lag.paths");
		}
	}

	@Test
	void keyStoreThatCannotBeReadIsRejectedAndTheOldBundleStays() throws Exception {
		Path first = this.certificates.keyStore("first", "first-s3cr3t");
		Path second = this.certificates.keyStore("second", "second-s3cr3t");
		Path garbage = Files.writeString(this.temp.resolve("garbage.p12"), "not a key store");
		KubeletVolume config = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("application.properties", keyStore(first, "first-s3cr3t")));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class,
					ConfigLagSslAutoConfiguration.class))
			.withBean(ReloadEvents.class)
			.withPropertyValues("config.lag.paths=" + config.directory())
			.run((context) -> {
				SslBundles bundles = context.getBean(SslBundles.class);
				SslBundle original = bundles.getBundle("store");
				ReloadEvents events = ReloadEvents.of(context);
				// A wrong password
				config.write(Map.of("application.properties", keyStore(first, "wrong-s3cr3t")));
				awaiting().until(() -> events.withOutcome(ReloadOutcome.REJECTED).size() == 1);
				assertThat(events.withOutcome(ReloadOutcome.REJECTED).get(0).error())
					.contains("SSL bundle 'store' cannot be built from the new version")
					.contains("keystore password was incorrect")
					.doesNotContain("s3cr3t");
				// A file that is not a key store
				config.write(Map.of("application.properties", keyStore(garbage, "first-s3cr3t")));
				awaiting().until(() -> events.withOutcome(ReloadOutcome.REJECTED).size() == 2);
				assertThat(events.withOutcome(ReloadOutcome.REJECTED).get(1).error())
					.contains("SSL bundle 'store' cannot be built from the new version")
					.contains("Could not load store from '" + garbage.toUri())
					.doesNotContain("s3cr3t");
				assertThat(bundles.getBundle("store")).isSameAs(original);
				// A good key store
				config.write(Map.of("application.properties", keyStore(second, "second-s3cr3t")));
				awaiting().until(() -> events.withOutcome(ReloadOutcome.APPLIED).size() == 1);
				ConfigReloadResult applied = events.withOutcome(ReloadOutcome.APPLIED).get(0);
				assertThat(applied.consumers()).containsEntry("spring.ssl.bundle.jks.store.keystore.location",
						Set.of("ssl-bundle:store"));
				KeyStore updated = bundles.getBundle("store").getStores().getKeyStore();
				assertThat(updated).isNotNull();
				assertThat(updated.getCertificate("server")).isEqualTo(load(second, "second-s3cr3t"));
			});
	}

	private static String keyStore(Path location, String password) {
		return "spring.ssl.bundle.jks.store.keystore.location=" + location.toUri() + "\n"
				+ "spring.ssl.bundle.jks.store.keystore.type=PKCS12\n"
				+ "spring.ssl.bundle.jks.store.keystore.password=" + password + "\n";
	}

	private static Certificate load(Path location, String password) throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(location)) {
			keyStore.load(in, password.toCharArray());
		}
		return keyStore.getCertificate("server");
	}

	private ConfigurableApplicationContext start(String... properties) {
		return start(new Class<?>[0], properties);
	}

	private ConfigurableApplicationContext start(Class<?>[] sources, String... properties) {
		Path tls = this.secret.directory();
		List<String> all = new ArrayList<>(List.of("config.lag.paths=" + tls,
				"spring.ssl.bundle.pem.server.keystore.certificate=" + tls.resolve("tls.crt"),
				"spring.ssl.bundle.pem.server.keystore.private-key=" + tls.resolve("tls.key")));
		all.addAll(List.of(properties));
		return TlsApplication.run(sources, all.toArray(String[]::new));
	}

	private static Map<String, String> tls(Pem pem) {
		return Map.of("tls.crt", pem.certificate(), "tls.key", pem.key());
	}

	/*
	 * A line of base64 from the middle of PEM text.
	 */
	private static String body(String pem) {
		return pem.lines().skip(1).findFirst().orElseThrow();
	}

	private static ConditionFactory awaiting() {
		return Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10));
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingApplierConfiguration {

		/**
		 * Fails after the SSL bundle applier has updated the bundle (it runs first).
		 * @return the applier
		 */
		@Bean
		ReloadApplier failingApplier() {
			return (keys, consumers) -> {
				if (consumers != LiveConsumers.NONE) {
					throw new IllegalStateException("injected apply failure");
				}
			};
		}

	}

}
