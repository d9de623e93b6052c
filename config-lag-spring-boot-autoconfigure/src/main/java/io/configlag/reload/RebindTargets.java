package io.configlag.reload;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.util.ClassUtils;

/**
 * The singleton {@code @ConfigurationProperties} beans of a context, each with the
 * constructor of its fresh instances when it can be rebound live (see
 * {@link PropertiesBeanRebinder} for the beans that cannot), indexed by the first element
 * of their prefix. Found again when the number of singletons changes.
 *
 * @author The config-lag developers
 */
final class RebindTargets {

	private static final List<Class<?>> LIVE_RESOURCE_TYPES = List.of(DataSource.class, AutoCloseable.class,
			DisposableBean.class, Lifecycle.class);

	private final ConfigurableApplicationContext context;

	private final Set<String> neverRebind;

	private volatile @Nullable Index index;

	private volatile int singletonCount = -1;

	RebindTargets(ConfigurableApplicationContext context, Collection<String> neverRebind) {
		this.context = context;
		this.neverRebind = Set.copyOf(neverRebind);
	}

	/**
	 * Return every {@code @ConfigurationProperties} bean.
	 * @return the beans
	 */
	List<Target> all() {
		return index().all();
	}

	/**
	 * Return the beans that may be affected by the given names, in bean order: a name can
	 * only affect a bean whose prefix starts with the same element, or a bean bound at
	 * the root.
	 * @param names the changed names
	 * @return the beans
	 */
	List<Target> mayBeAffectedBy(List<ConfigurationPropertyName> names) {
		return index().mayBeAffectedBy(names);
	}

	private Index index() {
		ConfigurableListableBeanFactory beanFactory = this.context.getBeanFactory();
		int count = beanFactory.getSingletonCount();
		Index index = this.index;
		if (index == null || count != this.singletonCount) {
			index = new Index(findTargets(beanFactory));
			this.index = index;
			this.singletonCount = count;
		}
		return index;
	}

	private List<Target> findTargets(ConfigurableListableBeanFactory beanFactory) {
		ValueObjectBeans valueObjects = this.context.getBeanProvider(ValueObjectBeans.class).getIfAvailable();
		List<Target> targets = new ArrayList<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			if (ScopedProxyUtils.isScopedTarget(beanName)
					|| beanFactory.containsBeanDefinition(ScopedProxyUtils.getTargetBeanName(beanName))) {
				continue;
			}
			boolean replaceable = valueObjects != null && valueObjects.holds(beanName);
			Object bean = replaceable ? beanFactory.getBean(beanName) : beanFactory.getSingleton(beanName);
			if (bean == null || !(replaceable || beanFactory.getMergedBeanDefinition(beanName).isSingleton())) {
				continue;
			}
			ConfigurationPropertiesBean propertiesBean = ConfigurationPropertiesBean.get(this.context, bean, beanName);
			if (propertiesBean != null) {
				Object instance = unwrap(bean);
				String prefix = propertiesBean.getAnnotation().prefix();
				boolean valueObject = propertiesBean.asBindTarget().getBindMethod() == BindMethod.VALUE_OBJECT;
				boolean rebindable = !valueObject && !isLiveResource(instance);
				Constructor<?> constructor = rebindable ? PropertyCopier.noArgumentConstructor(instance.getClass())
						: null;
				targets.add(new Target(beanName, instance, prefix, ConfigurationPropertyName.adapt(prefix, '.'),
						propertiesBean.getAnnotation(), propertiesBean.asBindTarget(), constructor,
						(valueObject && replaceable && instance == bean && !isLiveResource(instance)) ? valueObjects
								: null));
			}
		}
		return List.copyOf(targets);
	}

	private boolean isLiveResource(Object instance) {
		for (Class<?> type : LIVE_RESOURCE_TYPES) {
			if (type.isInstance(instance)) {
				return true;
			}
		}
		for (Class<?> type = instance.getClass(); type != null; type = type.getSuperclass()) {
			if (this.neverRebind.contains(type.getName())) {
				return true;
			}
		}
		for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(instance.getClass())) {
			if (this.neverRebind.contains(type.getName())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the singletons that had the given constructor-bound bean injected directly
	 * (the bean factory records them as its dependent beans): they keep the instance they
	 * were given. Beans of other scopes (Spring Cloud's refresh scope, prototypes) are
	 * built again and get the current instance.
	 * @param target the bean
	 * @return the names of its direct consumers, sorted
	 */
	Set<String> directConsumers(Target target) {
		ConfigurableListableBeanFactory beanFactory = this.context.getBeanFactory();
		Set<String> consumers = new TreeSet<>();
		for (String dependent : beanFactory.getDependentBeans(target.beanName())) {
			if (!beanFactory.containsBeanDefinition(dependent)
					|| beanFactory.getMergedBeanDefinition(dependent).isSingleton()) {
				consumers.add(dependent);
			}
		}
		return consumers;
	}

	private static Object unwrap(Object bean) {
		if (AopUtils.isAopProxy(bean) && bean instanceof Advised advised) {
			try {
				Object target = advised.getTargetSource().getTarget();
				return (target != null) ? target : bean;
			}
			catch (Exception ex) {
				return bean;
			}
		}
		return bean;
	}

	/**
	 * A {@code @ConfigurationProperties} bean, with the constructor of its fresh
	 * instances when it can be rebound live, or the holder of its instance when it is a
	 * constructor-bound bean whose instance can be replaced.
	 *
	 * @param beanName the name of the bean
	 * @param instance the live bean (the target of a proxy)
	 * @param prefix the prefix it binds
	 * @param prefixName the prefix as a property name
	 * @param annotation its {@code @ConfigurationProperties} annotation
	 * @param bindTarget what Boot's binder binds
	 * @param constructor the constructor of fresh instances, or {@code null} if it cannot
	 * be rebound live
	 * @param valueObjects the holder of its instance if it is a constructor-bound bean
	 * whose instance can be replaced, otherwise {@code null}
	 */
	record Target(String beanName, Object instance, String prefix, ConfigurationPropertyName prefixName,
			ConfigurationProperties annotation, Bindable<?> bindTarget, @Nullable Constructor<?> constructor,
			@Nullable ValueObjectBeans valueObjects) {

		boolean rebindable() {
			return this.constructor != null || this.valueObjects != null;
		}

		boolean replaceable() {
			return this.valueObjects != null;
		}

		List<String> affectedKeys(Collection<String> keys, List<ConfigurationPropertyName> names) {
			List<String> affected = new ArrayList<>();
			int i = 0;
			for (String key : keys) {
				if (isAffectedBy(List.of(names.get(i++)))) {
					affected.add(key);
				}
			}
			return affected;
		}

		boolean isAffectedBy(List<ConfigurationPropertyName> names) {
			for (ConfigurationPropertyName name : names) {
				if (this.prefixName.equals(name) || this.prefixName.isAncestorOf(name)
						|| name.isAncestorOf(this.prefixName)) {
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * The {@code @ConfigurationProperties} beans, indexed by the first element of their
	 * prefix: a key can only affect a bean whose prefix starts with the same element (or
	 * a bean bound at the root).
	 */
	private static final class Index {

		private final List<Target> all;

		private final Map<String, List<Integer>> byFirstElement = new HashMap<>();

		private final List<Integer> atRoot = new ArrayList<>();

		Index(List<Target> all) {
			this.all = all;
			for (int i = 0; i < all.size(); i++) {
				ConfigurationPropertyName prefix = all.get(i).prefixName();
				if (prefix.isEmpty()) {
					this.atRoot.add(i);
				}
				else {
					this.byFirstElement.computeIfAbsent(firstElement(prefix), (key) -> new ArrayList<>()).add(i);
				}
			}
		}

		List<Target> all() {
			return this.all;
		}

		/**
		 * Return the beans that may be affected by the given names, in bean order.
		 * @param names the names of the changed keys
		 * @return the targets, in bean order
		 */
		List<Target> mayBeAffectedBy(List<ConfigurationPropertyName> names) {
			BitSet candidates = new BitSet(this.all.size());
			this.atRoot.forEach(candidates::set);
			for (ConfigurationPropertyName name : names) {
				if (name.isEmpty()) {
					return this.all;
				}
				this.byFirstElement.getOrDefault(firstElement(name), List.of()).forEach(candidates::set);
			}
			List<Target> result = new ArrayList<>(candidates.cardinality());
			candidates.stream().forEach((i) -> result.add(this.all.get(i)));
			return result;
		}

		private static String firstElement(ConfigurationPropertyName name) {
			return name.getElement(0, ConfigurationPropertyName.Form.UNIFORM);
		}

	}

}
