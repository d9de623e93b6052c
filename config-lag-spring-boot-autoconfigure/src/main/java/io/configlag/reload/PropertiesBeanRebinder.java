package io.configlag.reload;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.InitDestroyAnnotationBeanPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.core.env.PropertySources;
import org.springframework.util.ClassUtils;

/**
 * Rebinds the {@code @ConfigurationProperties} beans whose prefix covers a changed key,
 * and only those, in two steps.
 * <p>
 * {@link #prepare} binds a fresh instance of each affected bean against the candidate
 * property sources with {@link CandidateBinder} (Spring Boot's binder, conversion
 * services, validators and bind handler advisors), then runs its {@code @PostConstruct}
 * methods and {@code afterPropertiesSet()}. Any failure rejects the whole version before
 * anything live changed.
 * <p>
 * {@link Prepared#apply()} then copies each fresh instance into its live bean through
 * setters and nested getters ({@link PropertyCopier}): nested objects keep their
 * identity, a removed key brings back the default the fresh instance holds, and a reader
 * never sees a default in between two versions. No field is written directly.
 * <p>
 * Some beans are never rebound live; the changed keys under their prefix are reported as
 * requiring a restart: constructor-bound beans and records (nothing to copy into), beans
 * whose class has no no-argument constructor, and <em>live resources</em>. A live
 * resource is a bean whose class, or one of its superclasses or interfaces, is named in
 * {@code config.lag.reload.never-rebind} (by default {@code HikariDataSource}), or that is
 * a {@link DataSource}, {@link AutoCloseable}, {@link DisposableBean} or {@link Lifecycle}:
 * typically a {@code @Bean @ConfigurationProperties} method returning a connection pool,
 * as Spring Boot does for {@code spring.datasource.hikari}. Its state is more than its
 * properties (open connections, a URL and credentials set in code), so a fresh instance
 * is never created nor copied into it.
 *
 * @author config-lag
 */
public final class PropertiesBeanRebinder {

	private static final Log logger = LogFactory.getLog(PropertiesBeanRebinder.class);

	/**
	 * The classes that are never rebound live by default.
	 */
	public static final List<String> DEFAULT_NEVER_REBIND = List.of("com.zaxxer.hikari.HikariDataSource");

	private static final List<Class<?>> LIVE_RESOURCE_TYPES = List.of(DataSource.class, AutoCloseable.class,
			DisposableBean.class, Lifecycle.class);

	private final ConfigurableApplicationContext context;

	private final Set<String> neverRebind;

	private final CandidateBinder binder;

	private volatile @Nullable Targets targets;

	private volatile int singletonCount = -1;

	public PropertiesBeanRebinder(ConfigurableApplicationContext context) {
		this(context, DEFAULT_NEVER_REBIND);
	}

	/**
	 * Create a rebinder.
	 * @param context the application context
	 * @param neverRebind the fully qualified names of the classes never rebound live
	 */
	public PropertiesBeanRebinder(ConfigurableApplicationContext context, Collection<String> neverRebind) {
		this.context = context;
		this.neverRebind = Set.copyOf(neverRebind);
		this.binder = new CandidateBinder(context);
	}

	/**
	 * Bind a fresh instance of every bean affected by the changed keys against the
	 * candidate sources, without touching the live beans.
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
		return new Prepared(rebinds, notRebindable, notRebindableKeys, this::recordBoundProperties);
	}

	/**
	 * Return the {@code @ConfigurationProperties} beans that cannot be rebound live
	 * (constructor binding, records, no default constructor, live resources) whose prefix
	 * covers one of the given keys, with that prefix.
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

	private Object bindFresh(Binder candidateBinder, Target target) {
		Object fresh = BeanUtils.instantiateClass(Objects.requireNonNull(target.constructor()));
		try {
			this.binder.bind(candidateBinder, target.bindTarget(), fresh, target.annotation());
			initialize(fresh, target.beanName());
		}
		catch (Exception ex) {
			throw new BeanRebindException(target.beanName(), target.prefix(), ex);
		}
		return fresh;
	}

	/**
	 * Run the fresh instance's {@code @PostConstruct} methods and
	 * {@code afterPropertiesSet()}. Only these: other bean post-processors keep per-bean
	 * state (Spring Cloud's {@code ConfigurationPropertiesBeans} would record the detached
	 * instance in place of the live bean).
	 */
	private void initialize(Object fresh, String beanName) throws Exception {
		if (this.context.getBeanFactory() instanceof AbstractBeanFactory beanFactory) {
			for (BeanPostProcessor processor : beanFactory.getBeanPostProcessors()) {
				if (processor instanceof InitDestroyAnnotationBeanPostProcessor lifecycle) {
					lifecycle.postProcessBeforeInitialization(fresh, beanName);
				}
			}
		}
		if (fresh instanceof InitializingBean initializing) {
			initializing.afterPropertiesSet();
		}
	}

	/**
	 * Have Spring Boot record the properties the given bean is now bound from (its
	 * {@code BoundConfigurationProperties}, which the {@code configprops} endpoint shows
	 * as inputs): its binding post-processor binds a throwaway instance against the
	 * {@code Environment}, which holds the applied version. A failure only leaves the
	 * inputs shown as they were.
	 */
	private void recordBoundProperties(Target target) {
		if (!(this.context.getBeanFactory() instanceof AbstractBeanFactory beanFactory)) {
			return;
		}
		for (BeanPostProcessor processor : beanFactory.getBeanPostProcessors()) {
			if (processor instanceof ConfigurationPropertiesBindingPostProcessor binding) {
				try {
					binding.postProcessBeforeInitialization(
							BeanUtils.instantiateClass(Objects.requireNonNull(target.constructor())), target.beanName());
				}
				catch (RuntimeException ex) {
					logger.debug("Could not record the bound properties of bean '" + target.beanName() + "'", ex);
				}
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
				Object instance = unwrap(bean);
				String prefix = propertiesBean.getAnnotation().prefix();
				boolean rebindable = propertiesBean.asBindTarget().getBindMethod() != BindMethod.VALUE_OBJECT
						&& !isLiveResource(instance);
				Constructor<?> constructor = rebindable ? PropertyCopier.noArgumentConstructor(instance.getClass())
						: null;
				targets.add(new Target(beanName, instance, prefix, ConfigurationPropertyName.adapt(prefix, '.'),
						propertiesBean.getAnnotation(), propertiesBean.asBindTarget(), constructor));
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
	 * A {@code @ConfigurationProperties} bean, with the constructor of its fresh instances
	 * when it can be rebound live.
	 */
	private record Target(String beanName, Object instance, String prefix, ConfigurationPropertyName prefixName,
			ConfigurationProperties annotation, Bindable<?> bindTarget, @Nullable Constructor<?> constructor) {

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

	private record Rebind(Target target, Object fresh) {

	}

	/**
	 * Fresh state for the affected beans, bound and validated, not yet applied.
	 */
	static final class Prepared {

		private final List<Rebind> rebinds;

		private final Set<String> notRebindable;

		private final Set<String> notRebindableKeys;

		private final Consumer<Target> recorder;

		private final List<Object> previous = new ArrayList<>();

		private Prepared(List<Rebind> rebinds, Set<String> notRebindable, Set<String> notRebindableKeys,
				Consumer<Target> recorder) {
			this.rebinds = rebinds;
			this.notRebindable = notRebindable;
			this.notRebindableKeys = notRebindableKeys;
			this.recorder = recorder;
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
		 * binding, records, no default constructor, live resources).
		 * @return the bean names
		 */
		Set<String> notRebindable() {
			return this.notRebindable;
		}

		/**
		 * Copy the fresh state into the live beans, keeping a detached copy of their
		 * current state for {@link #rollback()}. To be called once the new version is
		 * published, which lets Spring Boot record the properties the beans are now bound
		 * from.
		 */
		void apply() {
			for (Rebind rebind : this.rebinds) {
				Object live = rebind.target().instance();
				this.previous.add(PropertyCopier.detachedCopy(live));
				PropertyCopier.copy(rebind.fresh(), live);
			}
			for (Rebind rebind : this.rebinds) {
				this.recorder.accept(rebind.target());
			}
		}

		/**
		 * Copy back the state the live beans had before {@link #apply()}.
		 */
		void rollback() {
			for (int i = 0; i < this.previous.size(); i++) {
				PropertyCopier.copy(this.previous.get(i), this.rebinds.get(i).target().instance());
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

		BeanRebindException(String beanName, String prefix, Exception cause) {
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
