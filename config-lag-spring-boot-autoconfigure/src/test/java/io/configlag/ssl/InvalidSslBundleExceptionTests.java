package io.configlag.ssl;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.core.io.ResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Messages of {@link InvalidSslBundleException} name the bundle and the problem, never a
 * secret: Spring Boot quotes a certificate value that is not PEM content as if it were a
 * file name.
 */
class InvalidSslBundleExceptionTests {

	private final ResourceLoader resourceLoader = ApplicationResourceLoader.get();

	@TempDir
	Path temp;

	@Test
	void contentThatIsNotPemIsHidden() {
		PemSslBundleProperties properties = new PemSslBundleProperties();
		properties.getKeystore().setCertificate("MIIB-truncated-s3cr3t-certificate-body");
		properties.getKeystore().setPrivateKey("MIIE-truncated-s3cr3t-key-body");
		properties.getKey().setPassword("key-password-s3cr3t");
		Throwable failure = catchThrowable(
				() -> PropertiesSslBundle.get(properties, this.resourceLoader).createSslContext());
		assertThat(failure).hasStackTraceContaining("s3cr3t");
		InvalidSslBundleException exception = InvalidSslBundleException.of("server", properties,
				new BundleFiles(this.resourceLoader), failure);
		assertThat(exception)
			.hasMessageStartingWith(
					"SSL bundle 'server' cannot be built from the new version, keeping the current bundle: ")
			.hasMessageContaining("<value of keystore.certificate hidden>")
			.hasNoCause();
		assertThat(exception.getMessage()).doesNotContain("s3cr3t");
	}

	@Test
	void fileContentIsNotQuoted() throws Exception {
		Path certificate = Files.writeString(this.temp.resolve("tls.crt"), "not PEM");
		PemSslBundleProperties properties = new PemSslBundleProperties();
		properties.getKeystore().setCertificate(certificate.toString());
		Throwable failure = catchThrowable(
				() -> PropertiesSslBundle.get(properties, this.resourceLoader).createSslContext());
		InvalidSslBundleException exception = InvalidSslBundleException.of("server", properties,
				new BundleFiles(this.resourceLoader), failure);
		assertThat(exception).hasMessageContaining("Missing certificates or unrecognized format")
			.hasMessageNotContaining("not PEM");
	}

}
