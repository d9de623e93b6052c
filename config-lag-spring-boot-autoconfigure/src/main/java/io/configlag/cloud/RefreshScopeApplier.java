package io.configlag.cloud;

import java.util.Set;

import io.configlag.reload.LiveConsumers;
import io.configlag.reload.ReloadApplier;
import io.configlag.reload.ValueInjections;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Takes a new version to Spring Cloud Context: refreshes every {@code @RefreshScope} bean
 * (recording those whose {@code @Value}s read a changed key as its live consumers, see
 * {@link ValueInjections}) and publishes an {@link EnvironmentChangeEvent} with the
 * changed keys, for the application's own listeners.
 * <p>
 * The event's source is this applier, not the application context. Spring Cloud's
 * {@code ConfigurationPropertiesRebinder} rebinds <em>every</em>
 * {@code @ConfigurationProperties} bean when the source is the context, and only then
 * (spring-cloud-context 5.0's {@code ConfigurationPropertiesRebinder#onApplicationEvent}
 * checks it); config-lag has already rebound exactly the affected beans, after validating
 * them, so it must stay out. {@link ConfigLagLoggingRebinder} recognises this source in
 * the same way. Spring Cloud's {@code ContextRefresher} is never called.
 *
 * @author The config-lag developers
 */
public final class RefreshScopeApplier implements ReloadApplier {

	/**
	 * The name under which Spring Cloud registers its {@link RefreshScope}.
	 */
	private static final String SCOPE = "refresh";

	private final ObjectProvider<RefreshScope> refreshScope;

	private final ApplicationEventPublisher publisher;

	private final ValueInjections injections;

	private volatile @Nullable RefreshScope resolved;

	/**
	 * Create a new instance.
	 * @param refreshScope the refresh scope, if Spring Cloud registered one
	 * @param publisher the event publisher
	 * @param beanFactory the bean factory, to find what refresh-scoped beans read
	 */
	public RefreshScopeApplier(ObjectProvider<RefreshScope> refreshScope, ApplicationEventPublisher publisher,
			ConfigurableListableBeanFactory beanFactory) {
		this.refreshScope = refreshScope;
		this.publisher = publisher;
		this.injections = new ValueInjections(beanFactory);
	}

	@Override
	public void apply(Set<String> keys, LiveConsumers consumers) {
		RefreshScope scope = refreshScope();
		if (scope != null) {
			scope.refreshAll();
			this.injections.readersOf(keys, (definition) -> SCOPE.equals(definition.getScope()))
				.forEach((beanName, read) -> consumers.took("refresh-scope:" + targetName(beanName), read));
		}
		this.publisher.publishEvent(new EnvironmentChangeEvent(this, keys));
	}

	private static String targetName(String beanName) {
		return ScopedProxyUtils.isScopedTarget(beanName) ? ScopedProxyUtils.getOriginalBeanName(beanName) : beanName;
	}

	/*
	 * Return the refresh scope, looked up once.
	 */
	private @Nullable RefreshScope refreshScope() {
		RefreshScope scope = this.resolved;
		if (scope == null) {
			scope = this.refreshScope.getIfAvailable();
			this.resolved = scope;
		}
		return scope;
	}

}
