package io.configlag.ssl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with {@code openssl} (EC P-256, valid for 100 years):
 * certificate authorities and server certificates for {@code localhost} and
 * {@code 127.0.0.1} that they sign; and PKCS12 key stores made with {@code keytool}.
 */
final class TestCertificates {

	private static final String DAYS = "36500";

	private final Path directory;

	private int serial;

	TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Create a self-signed certificate authority.
	 * @param name its common name, also the name of its files
	 * @return its certificate and key
	 */
	Pem authority(String name) {
		Path key = this.directory.resolve(name + ".key");
		Path certificate = this.directory.resolve(name + ".crt");
		openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
				key.toString(), "-out", certificate.toString(), "-days", DAYS, "-subj", "/CN=" + name, "-addext",
				"basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
		return Pem.read(certificate, key);
	}

	/**
	 * Create a certificate for {@code localhost} signed by the given authority.
	 * @param name the name of its files
	 * @param authority the signing authority
	 * @return its certificate and key
	 */
	Pem server(String name, Pem authority) {
		Path key = this.directory.resolve(name + ".key");
		Path request = this.directory.resolve(name + ".csr");
		Path certificate = this.directory.resolve(name + ".crt");
		Path extensions = this.directory.resolve(name + ".ext");
		write(extensions, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
		openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
				"-out", request.toString(), "-subj", "/CN=localhost " + name);
		openssl("x509", "-req", "-in", request.toString(), "-CA", authority.certificateFile().toString(), "-CAkey",
				authority.keyFile().toString(), "-set_serial", String.valueOf(++this.serial + 1000), "-days", DAYS,
				"-extfile", extensions.toString(), "-out", certificate.toString());
		return Pem.read(certificate, key);
	}

	/**
	 * Create a PKCS12 key store with a self-signed key pair, with the JDK's
	 * {@code keytool}.
	 * @param name the name of its file
	 * @param password the password of the store and its key
	 * @return the key store file
	 */
	Path keyStore(String name, String password) {
		Path keyStore = this.directory.resolve(name + ".p12");
		run("keytool", "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-keystore",
				keyStore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password, "-dname",
				"CN=localhost", "-validity", DAYS);
		return keyStore;
	}

	private void openssl(String... arguments) {
		String[] command = new String[arguments.length + 1];
		command[0] = "openssl";
		System.arraycopy(arguments, 0, command, 1, arguments.length);
		run(command);
	}

	private void run(String... arguments) {
		List<String> command = List.of(arguments);
		try {
			Process process = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(
						"Failed: " + command + "\n" + new String(output, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void write(Path file, String content) {
		try {
			Files.writeString(file, content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A certificate and its private key, as PEM text.
	 *
	 * @param certificate the certificate
	 * @param key the private key
	 * @param certificateFile where the certificate was written
	 * @param keyFile where the key was written
	 * @param x509 the parsed certificate
	 */
	record Pem(String certificate, String key, Path certificateFile, Path keyFile, X509Certificate x509) {

		static Pem read(Path certificateFile, Path keyFile) {
			try {
				String certificate = Files.readString(certificateFile);
				X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
					.generateCertificate(new ByteArrayInputStream(certificate.getBytes(StandardCharsets.US_ASCII)));
				return new Pem(certificate, Files.readString(keyFile), certificateFile, keyFile, x509);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
