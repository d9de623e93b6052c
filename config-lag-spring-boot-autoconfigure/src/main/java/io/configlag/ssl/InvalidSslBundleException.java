package io.configlag.ssl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
		Map<String, String> secrets = secrets(properties, files);
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

	private static String redact(String message, Map<String, String> secrets) {
		String redacted = message;
		for (Map.Entry<String, String> secret : secrets.entrySet()) {
			redacted = redacted.replace(secret.getKey(), "<" + secret.getValue() + ">");
		}
		// Whatever Spring Boot or the JDK quote of PEM content
		int pem = redacted.indexOf("-----BEGIN");
		return (pem != -1) ? redacted.substring(0, pem) + "<hidden>" : redacted;
	}

	/*
	 * The values to hide, longest first (so that a value containing another is hidden
	 * whole), each with what to say instead: passwords, and locations that are not an
	 * existing file (PEM content, or content that Spring Boot took for a file name).
	 */
	private static Map<String, String> secrets(SslBundleProperties properties, BundleFiles files) {
		Map<String, @Nullable String> secrets = new LinkedHashMap<>();
		secrets.put("key.password", properties.getKey().getPassword());
		if (properties instanceof PemSslBundleProperties pem) {
			secrets.put("keystore.private-key-password", pem.getKeystore().getPrivateKeyPassword());
			secrets.put("truststore.private-key-password", pem.getTruststore().getPrivateKeyPassword());
		}
		if (properties instanceof JksSslBundleProperties jks) {
			secrets.put("keystore.password", jks.getKeystore().getPassword());
			secrets.put("truststore.password", jks.getTruststore().getPassword());
		}
		BundleFiles.locations(properties).forEach((name, location) -> {
			Path file = files.file(location);
			if (file == null || !Files.isRegularFile(file)) {
				secrets.put(name, location);
			}
		});
		Map<String, String> byValue = new TreeMap<>(
				Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
		secrets.forEach((name, value) -> {
			if (StringUtils.hasLength(value)) {
				byValue.put(value, "value of " + name + " hidden");
			}
		});
		return byValue;
	}

}
