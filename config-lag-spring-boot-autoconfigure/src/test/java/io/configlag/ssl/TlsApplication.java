package io.configlag.ssl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.configlag.test.ReloadEvents;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application on the embedded Tomcat serving HTTPS with the SSL bundle
 * {@code server}, and a TLS client of the JDK to see what it presents.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
class TlsApplication {

	@Bean
	ReloadEvents reloadEvents() {
		return new ReloadEvents();
	}

	/**
	 * Start the application on a free port.
	 * @param properties the properties of the test, in addition to an HTTPS port
	 * @return the running application
	 */
	static ConfigurableApplicationContext run(String... properties) {
		return run(new Class<?>[0], properties);
	}

	/**
	 * Start the application with more configuration on a free port.
	 * @param sources more configuration classes
	 * @param properties the properties of the test, in addition to an HTTPS port
	 * @return the running application
	 */
	static ConfigurableApplicationContext run(Class<?>[] sources, String... properties) {
		return new SpringApplicationBuilder(TlsApplication.class).sources(sources)
			.properties("server.port=0", "server.ssl.bundle=server", "spring.main.banner-mode=off",
					// One request per connection: every request makes a new TLS handshake
					"server.tomcat.max-keep-alive-requests=1")
			.properties(properties)
			.run();
	}

	static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Make a new TLS handshake with the server, trusting the given authorities, and
	 * return the certificate it presents.
	 * @param port the server's port
	 * @param authorities the trusted authorities
	 * @return the server's certificate
	 */
	static X509Certificate presentedCertificate(int port, X509Certificate... authorities) {
		try {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			for (int i = 0; i < authorities.length; i++) {
				trusted.setCertificateEntry("ca-" + i, authorities[i]);
			}
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trusted);
			// A new context each time: no session to resume
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers.getTrustManagers(), null);
			try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
				socket.startHandshake();
				return (X509Certificate) socket.getSession().getPeerCertificates()[0];
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Registered as a member class of the configuration.
	 */
	@RestController
	static class HelloController {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
