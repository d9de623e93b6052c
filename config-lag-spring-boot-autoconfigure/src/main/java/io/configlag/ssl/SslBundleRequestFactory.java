package io.configlag.ssl;

import java.io.IOException;
import java.net.URI;
import java.util.function.Function;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * A {@link ClientHttpRequestFactory} built from an SSL bundle that follows the bundle's
 * updates: Spring Boot builds a client's request factory from an {@link SslBundle} once
 * ({@code RestClientSsl.fromBundle}, {@code ClientHttpRequestFactoryBuilder.build} with
 * {@code HttpClientSettings.ofSslBundle}) and registers no bundle update handler, so a
 * client keeps the trust material it started with. This factory registers one with
 * {@link SslBundles#addBundleUpdateHandler}: at each update of the bundle it builds a new
 * request factory from the updated bundle, with the function it was given, and sends
 * every later request through it. Requests already under way finish on the previous
 * factory, which is left to the garbage collector (its pooled connections close when the
 * server or the pool's idle timeout closes them).
 * <p>
 * For example, with Spring Boot's {@code ClientHttpRequestFactoryBuilder}:
 * <pre class="code">
 * RestClient client = RestClient.builder()
 *     .requestFactory(SslBundleRequestFactory.of(sslBundles, "client",
 *         (bundle) -&gt; ClientHttpRequestFactoryBuilder.detect().build(HttpClientSettings.ofSslBundle(bundle))))
 *     .build();
 * </pre>
 *
 * @author The config-lag developers
 */
public final class SslBundleRequestFactory implements ClientHttpRequestFactory {

	private final Function<SslBundle, ? extends ClientHttpRequestFactory> factory;

	private volatile ClientHttpRequestFactory delegate;

	private SslBundleRequestFactory(SslBundle bundle, Function<SslBundle, ? extends ClientHttpRequestFactory> factory) {
		this.factory = factory;
		this.delegate = factory.apply(bundle);
	}

	/**
	 * Create a request factory from the named bundle that follows its updates.
	 * @param bundles the SSL bundles
	 * @param bundleName the name of the bundle
	 * @param factory builds a request factory from a bundle
	 * @return the request factory
	 */
	public static SslBundleRequestFactory of(SslBundles bundles, String bundleName,
			Function<SslBundle, ? extends ClientHttpRequestFactory> factory) {
		SslBundleRequestFactory requestFactory = new SslBundleRequestFactory(bundles.getBundle(bundleName), factory);
		bundles.addBundleUpdateHandler(bundleName, requestFactory::update);
		return requestFactory;
	}

	private void update(SslBundle bundle) {
		this.delegate = this.factory.apply(bundle);
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		return this.delegate.createRequest(uri, httpMethod);
	}

}
