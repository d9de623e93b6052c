package io.configlag.ssl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ssl.TestCertificates.Pem;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@link RestClient} built from the SSL bundle {@code client} with
 * {@link SslBundleRequestFactory} trusts a server whose certificate was rotated to a new
 * certificate authority, once the new authority was written to the client's trust bundle
 * (a watched ConfigMap volume); a client built by Spring Boot from the same bundle, as
 * {@code RestClientSsl.fromBundle} builds it, keeps trusting only the old authority.
 */
class SslBundleRequestFactoryTests {

	@TempDir
	Path temp;

	@Test
	void clientTrustsTheRotatedServerAfterTheNewAuthorityIsWrittenToItsTrustBundle() throws Exception {
		TestCertificates certificates = new TestCertificates(Files.createDirectories(this.temp.resolve("pki")));
		Pem oldAuthority = certificates.authority("ca-old");
		Pem newAuthority = certificates.authority("ca-new");
		Pem oldServer = certificates.server("server-old", oldAuthority);
		Pem newServer = certificates.server("server-new", newAuthority);
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("tls"))
			.write(Map.of("tls.crt", oldServer.certificate(), "tls.key", oldServer.key()));
		KubeletVolume trust = KubeletVolume.configMap(this.temp.resolve("trust"))
			.write(Map.of("ca.crt", oldAuthority.certificate()));
		try (ConfigurableApplicationContext context = TlsApplication.run(
				"config.lag.paths=" + secret.directory() + "," + trust.directory(),
				"spring.ssl.bundle.pem.server.keystore.certificate=" + secret.path("tls.crt"),
				"spring.ssl.bundle.pem.server.keystore.private-key=" + secret.path("tls.key"),
				"spring.ssl.bundle.pem.client.truststore.certificate=" + trust.path("ca.crt"))) {
			SslBundles bundles = context.getBean(SslBundles.class);
			ClientHttpRequestFactoryBuilder<?> builder = ClientHttpRequestFactoryBuilder.detect();
			RestClient following = RestClient.builder()
				.requestFactory(SslBundleRequestFactory.of(bundles, "client",
						(bundle) -> builder.build(HttpClientSettings.ofSslBundle(bundle))))
				.build();
			RestClient builtOnce = RestClient.builder()
				.requestFactory(builder.build(HttpClientSettings.ofSslBundle(bundles.getBundle("client"))))
				.build();
			String url = "https://localhost:" + TlsApplication.port(context) + "/hello";
			assertThat(following.get().uri(url).retrieve().body(String.class)).isEqualTo("hello");
			assertThat(builtOnce.get().uri(url).retrieve().body(String.class)).isEqualTo("hello");
			ReloadEvents events = ReloadEvents.of(context);
			// 1. The client trusts both authorities
			trust.write(Map.of("ca.crt", oldAuthority.certificate() + newAuthority.certificate()));
			awaiting().until(() -> events.withOutcome(ReloadOutcome.APPLIED).size() == 1);
			ConfigReloadResult trusted = events.withOutcome(ReloadOutcome.APPLIED).get(0);
			assertThat(trusted.consumers()).containsEntry("ca.crt", Set.of("ssl-bundle:client"));
			// 2. The server presents a certificate of the new authority
			secret.write(Map.of("tls.crt", newServer.certificate(), "tls.key", newServer.key()));
			awaiting().until(() -> newServer.x509()
				.equals(TlsApplication.presentedCertificate(TlsApplication.port(context), oldAuthority.x509(),
						newAuthority.x509())));
			assertThat(following.get().uri(url).retrieve().body(String.class)).isEqualTo("hello");
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> builtOnce.get().uri(url).retrieve().body(String.class))
				.withStackTraceContaining("PKIX path building failed");
			// 3. The old authority leaves the trust bundle
			trust.write(Map.of("ca.crt", newAuthority.certificate()));
			awaiting().until(() -> events.withOutcome(ReloadOutcome.APPLIED).size() == 3);
			assertThat(following.get().uri(url).retrieve().body(String.class)).isEqualTo("hello");
			assertThat(events.withOutcome(ReloadOutcome.REJECTED)).isEmpty();
		}
	}

	private static ConditionFactory awaiting() {
		return Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10));
	}

}
