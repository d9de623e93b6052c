package io.configlag.reload;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.Scope;
import org.springframework.core.Ordered;

/**
 * Makes every {@code @RefreshScope} bean instance come from one version of the
 * configuration. A reload swaps the property source and moves the new state into the
 * {@code @ConfigurationProperties} beans under the write lock; a refresh-scoped bean is
 * created under the read lock, so the values it reads while it is built (its {@code @Value}
 * fields, the properties beans it copies from) never straddle two versions.
 *
 * @author config-lag
 */
public final class ReloadConsistency implements BeanFactoryPostProcessor, Ordered {

	static final String REFRESH_SCOPE_NAME = "refresh";

	private final ReadWriteLock lock = new ReentrantReadWriteLock();

	/**
	 * Run the given action exclusively: no refresh-scoped bean is being built meanwhile.
	 * @param action the action
	 */
	void exclusively(Runnable action) {
		this.lock.writeLock().lock();
		try {
			action.run();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	<T> T shared(Supplier<T> action) {
		this.lock.readLock().lock();
		try {
			return action.get();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		Scope scope = beanFactory.getRegisteredScope(REFRESH_SCOPE_NAME);
		if (scope != null && !(scope instanceof ConsistentScope)) {
			beanFactory.registerScope(REFRESH_SCOPE_NAME, new ConsistentScope(scope, this));
		}
	}

	@Override
	public int getOrder() {
		// After RefreshScope registers itself
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Builds the beans of the wrapped scope under the read lock.
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
