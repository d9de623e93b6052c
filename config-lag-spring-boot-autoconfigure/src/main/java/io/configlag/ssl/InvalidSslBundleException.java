package io.configlag.ssl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.SslBundleProperties;
import org.springframework.util.StringUtils;

/**
 * Thrown when an SSL bundle cannot be built from a new version, which rejects the
 * version. The message names the bundle and what Spring Boot and the JDK said, with every
 * password of the bundle and every certificate or key value that is not a file (PEM
 * content, or content that is not even PEM) replaced by the property's name: Spring Boot
 * quotes a value it cannot read as a file in its message. The original exceptions are not
 * kept as causes, so that no log prints their messages.
 *
 * @author The config-lag developers
 */
final class InvalidSslBundleException extends IllegalStateException {

	private static final int MAX_CAUSES = 6;

	private InvalidSslBundleException(String message) {
		super(message);
	}

	/**
	 * Create an exception for a bundle that failed to build.
	 * @param bundleName the bundle's name
	 * @param properties the bundle's properties in the new version
	 * @param files resolves the bundle's locations to files
	 * @param failure what went wrong
	 * @return the exception
	 */
	static InvalidSslBundleException of(String bundleName, SslBundleProperties properties, BundleFiles files,
			Throwable failure) {
		List<String> secrets = secrets(properties, files);
		List<String> messages = new ArrayList<>();
		Throwable current = failure;
		for (int i = 0; current != null && i < MAX_CAUSES; i++) {
			String message = (current.getMessage() != null) ? redact(current.getMessage(), secrets) : null;
			// Spring Boot repeats the message of the cause in its own: say it once
			if (message == null || messages.stream().noneMatch((previous) -> previous.contains(message))) {
				messages.add(current.getClass().getSimpleName() + ((message != null) ? ": " + message : ""));
			}
			current = (current.getCause() != current) ? current.getCause() : null;
		}
		return new InvalidSslBundleException(
				"SSL bundle '" + bundleName + "' cannot be built from the new version, keeping the current bundle: "
						+ String.join("; caused by ", messages));
	}

	private static String redact(String message, List<String> secrets) {
		String redacted = message;
		for (String secret : secrets) {
			redacted = redacted.replace(secret, "<hidden>");
		}
		// Whatever Spring Boot or the JDK quote of PEM content
		int pem = redacted.indexOf("-----BEGIN");
		return (pem != -1) ? redacted.substring(0, pem) + "<hidden>" : redacted;
	}

	private static List<String> secrets(SslBundleProperties properties, BundleFiles files) {
		List<@Nullable String> secrets = new ArrayList<>();
		secrets.add(properties.getKey().getPassword());
		if (properties instanceof PemSslBundleProperties pem) {
			secrets.addAll(Arrays.asList(pem.getKeystore().getPrivateKeyPassword(),
					pem.getTruststore().getPrivateKeyPassword()));
		}
		if (properties instanceof JksSslBundleProperties jks) {
			secrets.addAll(Arrays.asList(jks.getKeystore().getPassword(), jks.getTruststore().getPassword()));
		}
		for (String location : BundleFiles.locations(properties)) {
			if (files.file(location) == null) {
				secrets.add(location);
			}
		}
		// Longest first, so that a value containing another is hidden whole
		return secrets.stream()
			.filter(StringUtils::hasLength)
			.map(String::valueOf)
			.sorted((a, b) -> Integer.compare(b.length(), a.length()))
			.toList();
	}

}
