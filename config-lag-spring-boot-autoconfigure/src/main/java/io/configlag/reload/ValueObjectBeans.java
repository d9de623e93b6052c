package io.configlag.reload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.Scope;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.core.Ordered;

/**
 * Holds the current instance of every constructor-bound {@code @ConfigurationProperties}
 * bean (records, {@code @ConstructorBinding} classes: Spring Boot's "value objects",
 * {@link BindMethod#VALUE_OBJECT}), so that a reload can replace it with a freshly bound
 * instance in one step.
 * <p>
 * Such a bean has nothing to copy new values into, so a reload binds and validates a new
 * instance and makes it the bean's current instance ({@link #replace}), together with the
 * rest of the version (inside {@link ReloadConsistency#exclusively}). This class is the
 * scope of those beans (a singleton per bean name whose instance can be replaced): it
 * moves their bean definitions from the singleton scope to its own. Spring's singleton
 * registry cannot replace an instance safely: {@code destroySingleton} also destroys
 * every bean that depends on it (the consumers that must be kept), and between it and
 * {@code registerSingleton} a reader finds no instance and creates one from the bean
 * definition: the registry's lock-free read path does not take the singleton lock, and
 * {@code getSingletonMutex()} no longer returns that lock since Spring Framework 6.2.
 * Here a reader gets the previous instance or the new one, each whole, never none.
 * <p>
 * What gets the new instance: whatever asks the bean factory each time, as
 * {@code ObjectProvider<T>.getObject()}, {@code ApplicationContext.getBean(T.class)} and
 * Spring Cloud's {@code @RefreshScope} beans (rebuilt after each reload) do. A singleton
 * that had the instance injected directly keeps the one it was given: inject
 * {@code ObjectProvider<T>} and call {@code getObject()} where the value is used, or make
 * the consumer {@code @RefreshScope}. The keys of a bean with such consumers stay
 * restart-required, and the consumers are listed at startup.
 * <p>
 * The beans are still created eagerly, after the singletons, so that an invalid
 * configuration fails the startup as before. The destruction callbacks the bean factory
 * registers for the instances it creates run when the context closes; a replaced instance
 * is left to the garbage collector, as a consumer may still hold it.
 *
 * @author The config-lag developers
 */
public final class ValueObjectBeans
		implements BeanFactoryPostProcessor, Scope, SmartInitializingSingleton, DisposableBean, Ordered {

	/**
	 * The name of the scope.
	 */
	public static final String SCOPE_NAME = "configLagValueObject";

	/*
	 * The bean definition attribute in which Spring Boot's (package-private)
	 * BindMethodAttribute records the bind method of the beans it registers for
	 *
	 * @EnableConfigurationProperties and @ConfigurationPropertiesScan.
	 */
	private static final String BIND_METHOD_ATTRIBUTE = BindMethod.class.getName();

	private final Set<String> beanNames = new LinkedHashSet<>();

	private final Map<String, Object> instances = new ConcurrentHashMap<>();

	private final Map<String, Runnable> destructionCallbacks = new ConcurrentHashMap<>();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
		beanFactory.registerScope(SCOPE_NAME, this);
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(beanName);
			// A bean created already (injected into a post-processor) stays a singleton:
			// the bean factory returns a registered singleton whatever the scope
			if (definition.getAttribute(BIND_METHOD_ATTRIBUTE) == BindMethod.VALUE_OBJECT && definition.isSingleton()
					&& !beanFactory.containsSingleton(beanName)) {
				definition.setScope(SCOPE_NAME);
				this.beanNames.add(beanName);
			}
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			return;
		}
		for (String beanName : this.beanNames) {
			if (!beanFactory.getBeanDefinition(beanName).isLazyInit()) {
				beanFactory.getBean(beanName);
			}
		}
	}

	/**
	 * Return whether the given bean is held here, so that its instance can be replaced.
	 * @param beanName the name of the bean
	 * @return whether the bean is a value object held here
	 */
	boolean holds(String beanName) {
		return this.beanNames.contains(beanName);
	}

	/**
	 * Make the given instance the bean's current instance.
	 * @param beanName the name of the bean
	 * @param instance the new instance, fully bound and initialized
	 * @return the previous instance, or {@code null} if there was none
	 */
	@Nullable Object replace(String beanName, Object instance) {
		return this.instances.put(beanName, instance);
	}

	@Override
	public Object get(String name, ObjectFactory<?> objectFactory) {
		Object current = this.instances.get(name);
		if (current != null) {
			return current;
		}
		// Created outside any lock of ours: creating a bean can take the bean
		// factory's singleton lock, which another thread may hold while it waits
		// for this bean
		Object created = objectFactory.getObject();
		Object raced = this.instances.putIfAbsent(name, created);
		return (raced != null) ? raced : created;
	}

	@Override
	public @Nullable Object remove(String name) {
		this.destructionCallbacks.remove(name);
		return this.instances.remove(name);
	}

	@Override
	public void registerDestructionCallback(String name, Runnable callback) {
		this.destructionCallbacks.put(name, callback);
	}

	@Override
	public @Nullable Object resolveContextualObject(String key) {
		return null;
	}

	@Override
	public @Nullable String getConversationId() {
		return null;
	}

	@Override
	public void destroy() {
		List<Runnable> callbacks = new ArrayList<>(this.destructionCallbacks.values());
		this.destructionCallbacks.clear();
		this.instances.clear();
		for (Runnable callback : callbacks) {
			callback.run();
		}
	}

}
