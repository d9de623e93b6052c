package io.configlag.cloud;

import io.configlag.reload.ReloadConsistency;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.Scope;
import org.springframework.core.Ordered;

/**
 * Makes every {@code @RefreshScope} bean instance come from one version of the
 * configuration: wraps the {@code refresh} scope that Spring Cloud's {@code RefreshScope}
 * registers, so that a refresh-scoped bean is built {@link ReloadConsistency#shared
 * shared} and the values it reads while it is built (its {@code @Value} fields, the
 * properties beans it copies from) never straddle two versions. Spring Cloud offers no
 * hook for this; the wrapper only delegates.
 *
 * @author The config-lag developers
 */
public final class ConsistentRefreshScope implements BeanFactoryPostProcessor, Ordered {

	static final String REFRESH_SCOPE_NAME = "refresh";

	private final ReloadConsistency consistency;

	/**
	 * Create a new instance.
	 * @param consistency the lock that reloads take
	 */
	public ConsistentRefreshScope(ReloadConsistency consistency) {
		this.consistency = consistency;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		Scope scope = beanFactory.getRegisteredScope(REFRESH_SCOPE_NAME);
		if (scope != null && !(scope instanceof ConsistentScope)) {
			beanFactory.registerScope(REFRESH_SCOPE_NAME, new ConsistentScope(scope, this.consistency));
		}
	}

	@Override
	public int getOrder() {
		// After RefreshScope registers itself
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Builds the beans of the wrapped scope shared.
	 */
	private record ConsistentScope(Scope delegate, ReloadConsistency consistency) implements Scope {

		@Override
		public Object get(String name, ObjectFactory<?> objectFactory) {
			return this.delegate.get(name, () -> this.consistency.shared(objectFactory::getObject));
		}

		@Override
		public @Nullable Object remove(String name) {
			return this.delegate.remove(name);
		}

		@Override
		public void registerDestructionCallback(String name, Runnable callback) {
			this.delegate.registerDestructionCallback(name, callback);
		}

		@Override
		public @Nullable Object resolveContextualObject(String key) {
			return this.delegate.resolveContextualObject(key);
		}

		@Override
		public @Nullable String getConversationId() {
			return this.delegate.getConversationId();
		}

	}

}
