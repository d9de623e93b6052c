package io.configlag.reload;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.InitDestroyAnnotationBeanPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySources;

/**
 * Rebinds the {@code @ConfigurationProperties} beans whose prefix covers a changed key,
 * and only those. Each affected bean is bound into a fresh instance against the candidate
 * property sources first (validation and init callbacks included); only when every
 * affected bean bound does the fresh state move into the live beans, field by field. A
 * key that was removed therefore takes the class's default value again, and a reader
 * never sees a reset-to-default value between two versions.
 *
 * @author config-lag
 */
public final class PropertiesBeanRebinder {

	private final ConfigurableApplicationContext context;

	private final CandidateBinder binder;

	private volatile @Nullable Targets targets;

	private volatile int singletonCount = -1;

	public PropertiesBeanRebinder(ConfigurableApplicationContext context) {
		this.context = context;
		this.binder = new CandidateBinder(context);
	}

	/**
	 * Bind every bean affected by the changed keys against the candidate sources, without
	 * touching the live beans.
	 * @param changedKeys the added, changed and removed keys
	 * @param candidate the candidate property sources
	 * @return the bound state, ready to be applied
	 * @throws RuntimeException if a bean fails to bind, validate or initialize
	 */
	Prepared prepare(Collection<String> changedKeys, PropertySources candidate) {
		List<ConfigurationPropertyName> names = new ArrayList<>(changedKeys.size());
		for (String key : changedKeys) {
			names.add(ConfigurationPropertyName.adapt(key, '.'));
		}
		Binder candidateBinder = null;
		List<Rebind> rebinds = new ArrayList<>();
		Set<String> notRebindable = new LinkedHashSet<>();
		Set<String> notRebindableKeys = new LinkedHashSet<>();
		for (Target target : targets().mayBeAffectedBy(names)) {
			if (!target.isAffectedBy(names)) {
				continue;
			}
			if (!target.rebindable()) {
				notRebindable.add(target.beanName());
				int i = 0;
				for (String key : changedKeys) {
					if (target.isAffectedBy(List.of(names.get(i++)))) {
						notRebindableKeys.add(key);
					}
				}
				continue;
			}
			candidateBinder = (candidateBinder != null) ? candidateBinder : this.binder.binderFor(candidate);
			rebinds.add(new Rebind(target, bindFresh(candidateBinder, target)));
		}
		return new Prepared(rebinds, notRebindable, notRebindableKeys);
	}

	/**
	 * Return the {@code @ConfigurationProperties} beans that cannot be rebound live
	 * (constructor binding, records, no default constructor) whose prefix covers one of
	 * the given keys, with that prefix.
	 * @param keys the keys
	 * @return bean name to prefix
	 */
	Map<String, String> notRebindable(Collection<String> keys) {
		List<ConfigurationPropertyName> names = keys.stream()
			.map((key) -> ConfigurationPropertyName.adapt(key, '.'))
			.toList();
		Map<String, String> result = new LinkedHashMap<>();
		for (Target target : targets().all()) {
			if (!target.rebindable() && target.isAffectedBy(names)) {
				result.put(target.beanName(), target.prefix());
			}
		}
		return result;
	}

	private FieldState bindFresh(Binder candidateBinder, Target target) {
		Object fresh = BeanUtils.instantiateClass(target.constructor());
		@SuppressWarnings("unchecked")
		Bindable<Object> bindable = ((Bindable<Object>) target.bindTarget()).withExistingValue(fresh);
		try {
			this.binder.bind(candidateBinder, target.prefix(), bindable, target.annotation());
			initialize(fresh, target.beanName());
		}
		catch (RuntimeException ex) {
			throw new BeanRebindException(target.beanName(), target.prefix(), ex);
		}
		return FieldState.of(fresh);
	}

	private void initialize(Object fresh, String beanName) {
		if (this.context.getBeanFactory() instanceof AbstractBeanFactory beanFactory) {
			for (BeanPostProcessor processor : beanFactory.getBeanPostProcessors()) {
				if (processor instanceof InitDestroyAnnotationBeanPostProcessor lifecycle) {
					lifecycle.postProcessBeforeInitialization(fresh, beanName);
				}
			}
		}
		if (fresh instanceof InitializingBean initializing) {
			try {
				initializing.afterPropertiesSet();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	/**
	 * Return the names of the {@code @ConfigurationProperties} beans this rebinder knows.
	 * @return the bean names
	 */
	List<String> beanNames() {
		return targets().all().stream().map(Target::beanName).toList();
	}

	private Targets targets() {
		ConfigurableListableBeanFactory beanFactory = this.context.getBeanFactory();
		int count = beanFactory.getSingletonCount();
		Targets targets = this.targets;
		if (targets == null || count != this.singletonCount) {
			targets = new Targets(findTargets(beanFactory));
			this.targets = targets;
			this.singletonCount = count;
		}
		return targets;
	}

	private List<Target> findTargets(ConfigurableListableBeanFactory beanFactory) {
		List<Target> targets = new ArrayList<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			if (ScopedProxyUtils.isScopedTarget(beanName)
					|| beanFactory.containsBeanDefinition(ScopedProxyUtils.getTargetBeanName(beanName))) {
				continue;
			}
			Object bean = beanFactory.getSingleton(beanName);
			if (bean == null || !beanFactory.getMergedBeanDefinition(beanName).isSingleton()) {
				continue;
			}
			ConfigurationPropertiesBean propertiesBean = ConfigurationPropertiesBean.get(this.context, bean, beanName);
			if (propertiesBean != null) {
				targets.add(Target.of(propertiesBean, unwrap(bean)));
			}
		}
		return List.copyOf(targets);
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
	 * A {@code @ConfigurationProperties} bean.
	 */
	private record Target(String beanName, Object instance, String prefix, ConfigurationPropertyName prefixName,
			ConfigurationProperties annotation, Bindable<?> bindTarget, @Nullable Constructor<?> constructor) {

		static Target of(ConfigurationPropertiesBean bean, Object instance) {
			ConfigurationProperties annotation = bean.getAnnotation();
			String prefix = annotation.prefix();
			Bindable<?> bindTarget = bean.asBindTarget();
			Constructor<?> constructor = null;
			Class<?> type = instance.getClass();
			if (bindTarget.getBindMethod() != BindMethod.VALUE_OBJECT && FieldState.isCopyable(type)) {
				try {
					constructor = type.getDeclaredConstructor();
					constructor.setAccessible(true);
				}
				catch (NoSuchMethodException | RuntimeException ex) {
					constructor = null;
				}
			}
			return new Target(bean.getName(), instance, prefix, ConfigurationPropertyName.adapt(prefix, '.'),
					annotation, bindTarget, constructor);
		}

		boolean rebindable() {
			return this.constructor != null;
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
	private static final class Targets {

		private final List<Target> all;

		private final Map<String, List<Integer>> byFirstElement = new HashMap<>();

		private final List<Integer> atRoot = new ArrayList<>();

		Targets(List<Target> all) {
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

	private record Rebind(Target target, FieldState fresh) {

	}

	/**
	 * Fresh state for the affected beans, bound and validated, not yet applied.
	 */
	static final class Prepared {

		private final List<Rebind> rebinds;

		private final Set<String> notRebindable;

		private final Set<String> notRebindableKeys;

		private final List<FieldState> previous = new ArrayList<>();

		private Prepared(List<Rebind> rebinds, Set<String> notRebindable, Set<String> notRebindableKeys) {
			this.rebinds = rebinds;
			this.notRebindable = notRebindable;
			this.notRebindableKeys = notRebindableKeys;
		}

		/**
		 * Return the changed keys that beans which cannot be rebound live depend on.
		 * @return the keys
		 */
		Set<String> notRebindableKeys() {
			return this.notRebindableKeys;
		}

		/**
		 * Return the names of the beans that will be rebound.
		 * @return the bean names
		 */
		List<String> beanNames() {
			return this.rebinds.stream().map((rebind) -> rebind.target().beanName()).toList();
		}

		/**
		 * Return the names of affected beans that cannot be rebound live (constructor
		 * binding, records, no default constructor).
		 * @return the bean names
		 */
		Set<String> notRebindable() {
			return this.notRebindable;
		}

		/**
		 * Move the fresh state into the live beans.
		 */
		void apply() {
			for (Rebind rebind : this.rebinds) {
				Object live = rebind.target().instance();
				this.previous.add(FieldState.of(live));
				rebind.fresh().applyTo(live);
			}
		}

		/**
		 * Put back the state the live beans had before {@link #apply()}.
		 */
		void rollback() {
			for (int i = 0; i < this.previous.size(); i++) {
				this.previous.get(i).applyTo(this.rebinds.get(i).target().instance());
			}
		}

	}

	/**
	 * A {@code @ConfigurationProperties} bean failed to bind, validate or initialize with
	 * the new values.
	 */
	static final class BeanRebindException extends RuntimeException {

		private final String beanName;

		private final String prefix;

		BeanRebindException(String beanName, String prefix, RuntimeException cause) {
			super("Bean '" + beanName + "' (prefix '" + prefix + "') rejected the new values", cause);
			this.beanName = beanName;
			this.prefix = prefix;
		}

		String getBeanName() {
			return this.beanName;
		}

		String getPrefix() {
			return this.prefix;
		}

	}

}
