package io.configlag.ssl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.configlag.mount.WatchedPath;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.SslBundleProperties;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

/**
 * The files an SSL bundle reads, as the properties that Spring Boot's
 * {@code SslPropertiesBundleRegistrar} watches for {@code reload-on-update} name them:
 * the certificate and private key of a PEM key store and trust store, the location of a
 * JKS key store and trust store. A value that is PEM content, or a resource that is not a
 * file, has no file.
 * <p>
 * A file is known by its absolute, normalized path and by its real path: a kubelet volume
 * shows {@code tls.crt} as a symbolic link to {@code ..data/tls.crt}, itself a link to
 * the current timestamped directory, and a bundle may name any of them.
 *
 * @author The config-lag developers
 */
final class BundleFiles {

	private final ResourceLoader resourceLoader;

	BundleFiles(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	/**
	 * Return the files of a bundle, each by every name it is known by.
	 * @param properties the bundle's properties
	 * @return the paths, absolute and real
	 */
	Set<Path> of(SslBundleProperties properties) {
		Set<Path> files = new LinkedHashSet<>();
		for (String location : locations(properties).values()) {
			Path file = file(location);
			if (file != null) {
				files.addAll(identities(file));
			}
		}
		return files;
	}

	/**
	 * Return the property values of a bundle that are locations or content.
	 * @param properties the bundle's properties
	 * @return the values that are set, by property name relative to the bundle
	 */
	static Map<String, String> locations(SslBundleProperties properties) {
		Map<String, @Nullable String> values = new LinkedHashMap<>();
		if (properties instanceof PemSslBundleProperties pem) {
			values.put("keystore.certificate", pem.getKeystore().getCertificate());
			values.put("keystore.private-key", pem.getKeystore().getPrivateKey());
			values.put("truststore.certificate", pem.getTruststore().getCertificate());
			values.put("truststore.private-key", pem.getTruststore().getPrivateKey());
		}
		else if (properties instanceof JksSslBundleProperties jks) {
			values.put("keystore.location", jks.getKeystore().getLocation());
			values.put("truststore.location", jks.getTruststore().getLocation());
		}
		Map<String, String> locations = new LinkedHashMap<>();
		values.forEach((name, value) -> {
			if (StringUtils.hasText(value)) {
				locations.put(name, value);
			}
		});
		return locations;
	}

	/**
	 * Return the file that a location names.
	 * @param location a location or PEM content
	 * @return the file or {@code null} if the value is content or not a file
	 */
	@Nullable Path file(String location) {
		if (PemContent.isPresentInText(location)) {
			return null;
		}
		try {
			Resource resource = this.resourceLoader.getResource(location);
			return resource.isFile() ? resource.getFile().toPath() : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Tell whether any of the given files lies in one of the watched paths.
	 * @param files the files
	 * @param watchedPaths the watched paths
	 * @return the first watched path that holds one of them, or {@code null}
	 */
	static @Nullable WatchedPath watchedPathOf(Set<Path> files, List<WatchedPath> watchedPaths) {
		for (WatchedPath watched : watchedPaths) {
			for (Path root : identities(watched.path())) {
				for (Path file : files) {
					if (file.startsWith(root)) {
						return watched;
					}
				}
			}
		}
		return null;
	}

	/**
	 * Return the names a file is known by: its absolute, normalized path and, if it
	 * exists, its real path.
	 * @param file the file
	 * @return its paths
	 */
	static Set<Path> identities(Path file) {
		Set<Path> identities = new LinkedHashSet<>(2);
		identities.add(file.toAbsolutePath().normalize());
		if (Files.exists(file)) {
			try {
				identities.add(file.toRealPath());
			}
			catch (IOException ex) {
				// Swapped away between the check and the resolution: the path is enough
			}
		}
		return identities;
	}

}
