package io.configlag.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.configlag.mount.MountedConfigPropertySource;
import io.configlag.mount.WatchedPath;
import io.configlag.reload.LiveConsumers;
import io.configlag.reload.ReloadApplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

/**
 * Takes a new version to Spring Boot's SSL bundles ({@code spring.ssl.bundle.pem.*} and
 * {@code spring.ssl.bundle.jks.*}): a bundle is rebuilt when one of its own properties
 * changed, or when a changed key comes from a file that the bundle reads (the
 * {@code tls.crt} and {@code tls.key} entries of a watched {@code kubernetes.io/tls}
 * Secret volume, known by the origin of their value), and the rebuilt bundle is given to
 * the {@link SslBundleRegistry}, whose bundle update handlers take it to its users (the
 * embedded web server reloads its certificate).
 * <p>
 * Before the new version replaces the current one, {@link #validate} binds
 * {@code spring.ssl} from it into Spring Boot's own {@link SslProperties}, builds each
 * affected bundle with Spring Boot's {@link PropertiesSslBundle}, with the private key of
 * a PEM key store verified against its certificate (Boot's {@code verify-keys}, set on
 * this bound copy only), and creates its {@code SSLContext}: a certificate that does not
 * match its key, a key store that cannot be read or content that is not PEM rejects the
 * version, and the current bundle stays. {@link #apply} then builds the bundle again from
 * the {@code Environment}, as Spring Boot builds it, and updates the registry.
 * <p>
 * Spring Boot's own file watcher ({@code reload-on-update=true}) is not needed for a
 * bundle whose files lie in a watched path; config-lag warns about it at start-up.
 * <p>
 * This applier runs before the appliers that have no order (Spring Cloud's refresh scope,
 * the application's own), so that a bean they build from a bundle gets the new one.
 *
 * @author The config-lag developers
 */
public final class SslBundleApplier implements ReloadApplier, SmartInitializingSingleton, Ordered {

	private static final Log logger = LogFactory.getLog(SslBundleApplier.class);

	private static final String SSL_PREFIX = "spring.ssl";

	private static final ConfigurationPropertyName PEM = ConfigurationPropertyName.of("spring.ssl.bundle.pem");

	private static final ConfigurationPropertyName JKS = ConfigurationPropertyName.of("spring.ssl.bundle.jks");

	private static final int BUNDLE_NAME_INDEX = PEM.getNumberOfElements();

	private final ConfigurableEnvironment environment;

	private final SslBundleRegistry registry;

	private final SslBundles sslBundles;

	private final ResourceLoader resourceLoader;

	private final BundleFiles files;

	private final List<WatchedPath> watchedPaths;

	private volatile Map<String, SslBundle> replaced = Collections.emptyMap();

	/**
	 * Create a new instance.
	 * @param environment the environment
	 * @param registry the SSL bundle registry of Spring Boot
	 * @param sslBundles the same registry, to read the bundles it holds
	 * @param resourceLoader the resource loader that reads bundle content, as Spring
	 * Boot's {@code SslAutoConfiguration} uses it
	 * @param watchedPaths the paths config-lag watches
	 */
	public SslBundleApplier(ConfigurableEnvironment environment, SslBundleRegistry registry, SslBundles sslBundles,
			ResourceLoader resourceLoader, List<WatchedPath> watchedPaths) {
		this.environment = environment;
		this.registry = registry;
		this.sslBundles = sslBundles;
		this.resourceLoader = resourceLoader;
		this.files = new BundleFiles(resourceLoader);
		this.watchedPaths = List.copyOf(watchedPaths);
	}

	@Override
	public int getOrder() {
		return 0;
	}

	/**
	 * Warn, once, about bundles whose files lie in a watched path and that also have
	 * Spring Boot's {@code reload-on-update} set.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Map<String, SslBundleProperties> bundles = bundles(bind(Binder.get(this.environment)));
		List<String> watchedByBoth = new ArrayList<>();
		bundles.forEach((name, properties) -> {
			WatchedPath watched = BundleFiles.watchedPathOf(this.files.of(properties), this.watchedPaths);
			if (properties.isReloadOnUpdate() && watched != null) {
				watchedByBoth.add("'" + name + "' (in " + watched.location() + ")");
			}
		});
		if (!watchedByBoth.isEmpty()) {
			logger.warn("SSL bundles " + String.join(", ", watchedByBoth)
					+ " set reload-on-update=true, but their files lie in config.lag.paths: config-lag rebuilds,"
					+ " validates and registers them at the kubelet swap, and Spring Boot's file watcher is redundant"
					+ " and slower (it waits for spring.ssl.bundle.watch.file.quiet-period, 10s by default, then"
					+ " registers the files again without validation); set reload-on-update=false");
		}
	}

	@Override
	public void validate(Set<String> keys, Binder candidate) {
		Map<String, SslBundleProperties> bundles = bundles(bind(candidate));
		for (String name : affected(keys, bundles, candidate).keySet()) {
			SslBundleProperties properties = bundles.get(name);
			try {
				if (properties instanceof PemSslBundleProperties pem && hasKeyPair(pem)) {
					pem.getKeystore().setVerifyKeys(true);
				}
				build(properties).createSslContext();
			}
			catch (RuntimeException ex) {
				throw InvalidSslBundleException.of(name, properties, this.files, ex);
			}
		}
	}

	/**
	 * Build the affected bundles from the {@code Environment} and update the registry.
	 * After a rollback ({@link LiveConsumers#NONE}), put back the bundles that the last
	 * call replaced instead: their files on disk are already the new ones (the kubelet
	 * removes the previous version's directory), so only the instances that were
	 * registered still hold the previous version. A bundle that the last call registered
	 * for the first time stays registered.
	 * @param keys the keys that were added, changed or removed
	 * @param consumers where to record which bundles took which keys
	 */
	@Override
	public void apply(Set<String> keys, LiveConsumers consumers) {
		if (consumers == LiveConsumers.NONE) {
			Map<String, SslBundle> previous = this.replaced;
			this.replaced = Collections.emptyMap();
			previous.forEach((name, bundle) -> {
				this.registry.updateBundle(name, bundle);
				logger.info("SSL bundle '" + name + "' put back after a rollback");
			});
			return;
		}
		Binder binder = Binder.get(this.environment);
		Map<String, SslBundleProperties> bundles = bundles(bind(binder));
		Map<String, SslBundle> replaced = new LinkedHashMap<>();
		this.replaced = replaced;
		affected(keys, bundles, binder).forEach((name, taken) -> {
			SslBundleProperties properties = bundles.get(name);
			SslBundle bundle;
			try {
				bundle = build(properties);
			}
			catch (RuntimeException ex) {
				throw InvalidSslBundleException.of(name, properties, this.files, ex);
			}
			SslBundle current = registered(name);
			if (current != null) {
				// Recorded first: the registry holds the new bundle before its handlers
				// run
				replaced.put(name, current);
				this.registry.updateBundle(name, bundle);
				logger.info("SSL bundle '" + name + "' updated from " + taken);
			}
			else {
				this.registry.registerBundle(name, bundle);
				logger.info("SSL bundle '" + name + "' registered from " + taken);
			}
			consumers.took("ssl-bundle:" + name, taken);
		});
	}

	private @Nullable SslBundle registered(String name) {
		try {
			return this.sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			return null;
		}
	}

	private SslBundle build(SslBundleProperties properties) {
		if (properties instanceof PemSslBundleProperties pem) {
			return PropertiesSslBundle.get(pem, this.resourceLoader);
		}
		return PropertiesSslBundle.get((JksSslBundleProperties) properties, this.resourceLoader);
	}

	private static boolean hasKeyPair(PemSslBundleProperties pem) {
		return StringUtils.hasText(pem.getKeystore().getCertificate())
				&& StringUtils.hasText(pem.getKeystore().getPrivateKey());
	}

	/*
	 * The bundles that the given keys affect, each with the keys that affect it.
	 */
	private Map<String, Set<String>> affected(Set<String> keys, Map<String, SslBundleProperties> bundles,
			Binder binder) {
		if (bundles.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, Set<String>> affected = new TreeMap<>();
		Map<String, Set<Path>> filesByBundle = null;
		for (String key : keys) {
			String bundleName = bundleName(key);
			if (bundleName != null) {
				if (bundles.containsKey(bundleName)) {
					affected.computeIfAbsent(bundleName, (name) -> new TreeSet<>()).add(key);
				}
				continue;
			}
			if (filesByBundle == null) {
				filesByBundle = filesByBundle(bundles);
			}
			Path file = (!filesByBundle.isEmpty()) ? fileOf(key, binder) : null;
			if (file != null) {
				Set<Path> identities = BundleFiles.identities(file);
				filesByBundle.forEach((name, bundleFiles) -> {
					if (!Collections.disjoint(bundleFiles, identities)) {
						affected.computeIfAbsent(name, (n) -> new TreeSet<>()).add(key);
					}
				});
			}
		}
		return affected;
	}

	/*
	 * The files of each bundle that reads files.
	 */
	private Map<String, Set<Path>> filesByBundle(Map<String, SslBundleProperties> bundles) {
		Map<String, Set<Path>> filesByBundle = new LinkedHashMap<>();
		bundles.forEach((name, properties) -> {
			Set<Path> files = this.files.of(properties);
			if (!files.isEmpty()) {
				filesByBundle.put(name, files);
			}
		});
		return filesByBundle;
	}

	/*
	 * The name of the bundle that a spring.ssl.bundle.pem.<name>.* or
	 * spring.ssl.bundle.jks.<name>.* key configures.
	 */
	static @Nullable String bundleName(String key) {
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
		if (name.getNumberOfElements() > BUNDLE_NAME_INDEX && (PEM.isAncestorOf(name) || JKS.isAncestorOf(name))) {
			return name.getElement(BUNDLE_NAME_INDEX, Form.ORIGINAL);
		}
		return null;
	}

	/*
	 * The file a key's value comes from, by the origin of its value: in the candidate
	 * (or, in apply, the current) version, else in the mounted source as it is now (a key
	 * that the new version removes).
	 */
	private @Nullable Path fileOf(String key, Binder binder) {
		Origin origin = null;
		if (ConfigurationPropertyName.isValid(key)) {
			OriginCapture capture = new OriginCapture();
			binder.bind(ConfigurationPropertyName.of(key), Bindable.of(String.class), capture);
			origin = capture.origin;
		}
		if (origin == null) {
			MountedConfigPropertySource mounted = MountedConfigPropertySource.get(this.environment);
			origin = (mounted != null) ? mounted.getOrigin(key) : null;
		}
		Origin current = origin;
		while (current != null) {
			if (current instanceof TextResourceOrigin text && text.getResource() != null) {
				return file(text.getResource());
			}
			// The binder's origin wraps the property source's own
			Origin wrapped = (current instanceof PropertySourceOrigin source) ? source.getOrigin() : null;
			current = (wrapped != null) ? wrapped : current.getParent();
		}
		return null;
	}

	private static @Nullable Path file(Resource resource) {
		try {
			return resource.isFile() ? resource.getFile().toPath() : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static SslProperties bind(Binder binder) {
		return binder.bindOrCreate(SSL_PREFIX, SslProperties.class);
	}

	private static Map<String, SslBundleProperties> bundles(SslProperties properties) {
		Map<String, SslBundleProperties> bundles = new TreeMap<>(properties.getBundle().getJks());
		bundles.putAll(properties.getBundle().getPem());
		return bundles;
	}

	/**
	 * Captures the origin of the property a value was bound from.
	 */
	private static final class OriginCapture extends AbstractBindHandler {

		private @Nullable Origin origin;

		@Override
		public @Nullable Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Object result) {
			ConfigurationProperty property = context.getConfigurationProperty();
			this.origin = (property != null) ? property.getOrigin() : null;
			return result;
		}

	}

}
