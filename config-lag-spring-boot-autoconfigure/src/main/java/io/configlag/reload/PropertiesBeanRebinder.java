package io.configlag.reload;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.InitDestroyAnnotationBeanPostProcessor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.AbstractBeanFactory;
import org.springframework.boot.context.properties.BoundConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.ConstructorBound;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.core.env.PropertySources;

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
 * {@link PreparedRebind#apply()} then copies each fresh instance into its live bean
 * through setters and nested getters ({@link PropertyCopier}): nested objects keep their
 * identity, a removed key brings back the default the fresh instance holds, and a reader
 * never sees a default in between two versions. No field is written directly.
 * <p>
 * A constructor-bound bean (a record, a {@code @ConstructorBinding} class) has nothing to
 * copy into: {@link #prepare} binds and validates a new instance against the candidate
 * sources, and {@link PreparedRebind#apply()} makes it the bean's current instance
 * ({@link ValueObjectBeans}); whatever looks the bean up ({@code ObjectProvider<T>},
 * {@code @RefreshScope} beans) gets it. The singletons it was injected into directly keep
 * the instance they were given: they are reported as not rebound and the bean's changed
 * keys as requiring a restart.
 * <p>
 * Some beans are never rebound live; the changed keys under their prefix are reported as
 * requiring a restart: constructor-bound beans the context does not let config-lag
 * replace (without {@link ValueObjectBeans}, or in a scope of their own), beans whose
 * class has no no-argument constructor, and <em>live resources</em>. A live resource is a
 * bean whose class, or one of its superclasses or interfaces, is named in
 * {@code config.lag.reload.never-rebind} (by default {@code HikariDataSource}), or that
 * is a {@link DataSource}, {@link AutoCloseable}, {@link DisposableBean} or
 * {@link Lifecycle}: typically a {@code @Bean @ConfigurationProperties} method returning
 * a connection pool, as Spring Boot does for {@code spring.datasource.hikari}. Its state
 * is more than its properties (open connections, a URL and credentials set in code), so a
 * fresh instance is never created nor copied into it.
 *
 * @author The config-lag developers
 */
public final class PropertiesBeanRebinder {

	private static final Log logger = LogFactory.getLog(PropertiesBeanRebinder.class);

	/**
	 * The classes that are never rebound live by default.
	 */
	public static final List<String> DEFAULT_NEVER_REBIND = List.of("com.zaxxer.hikari.HikariDataSource");

	private final ConfigurableApplicationContext context;

	private final RebindTargets targets;

	private final CandidateBinder binder;

	private final ValueInjections injections;

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
		this.targets = new RebindTargets(context, neverRebind);
		this.binder = new CandidateBinder(context);
		this.injections = new ValueInjections(context.getBeanFactory());
	}

	/**
	 * Bind a fresh instance of every bean affected by the changed keys against the
	 * candidate sources, without touching the live beans.
	 * @param changedKeys the added, changed and removed keys
	 * @param candidate the candidate property sources
	 * @return the bound state, ready to be applied
	 * @throws RuntimeException if a bean fails to bind, validate or initialize
	 */
	PreparedRebind prepare(Collection<String> changedKeys, PropertySources candidate) {
		List<ConfigurationPropertyName> names = new ArrayList<>(changedKeys.size());
		for (String key : changedKeys) {
			names.add(ConfigurationPropertyName.adapt(key, '.'));
		}
		Binder candidateBinder = null;
		List<PreparedRebind.Rebind> rebinds = new ArrayList<>();
		Set<String> notRebindable = new LinkedHashSet<>();
		Set<String> notRebindableKeys = new LinkedHashSet<>();
		Set<String> heldKeys = new LinkedHashSet<>();
		Map<String, Set<String>> liveResourceKeys = new LinkedHashMap<>();
		for (RebindTargets.Target target : this.targets.mayBeAffectedBy(names)) {
			if (!target.isAffectedBy(names)) {
				continue;
			}
			if (!target.rebindable()) {
				List<String> keys = target.affectedKeys(changedKeys, names);
				notRebindable.add(target.beanName());
				notRebindableKeys.addAll(keys);
				liveResourceKeys.put(target.beanName(), Set.copyOf(keys));
				continue;
			}
			candidateBinder = (candidateBinder != null) ? candidateBinder : this.binder.binderFor(candidate);
			rebinds.add(new PreparedRebind.Rebind(target, bindFresh(candidateBinder, target)));
			if (target.replaceable()) {
				Set<String> consumers = this.targets.directConsumers(target);
				if (!consumers.isEmpty()) {
					notRebindable.addAll(consumers);
					heldKeys.addAll(target.affectedKeys(changedKeys, names));
				}
			}
		}
		this.injections.readersOf(changedKeys, BeanDefinition::isSingleton).forEach((beanName, keys) -> {
			notRebindable.add(beanName);
			heldKeys.addAll(keys);
		});
		return new PreparedRebind(rebinds, notRebindable, notRebindableKeys, heldKeys, liveResourceKeys, changedKeys,
				names, this::recordBoundProperties, this::isBound);
	}

	/**
	 * Return the constructor-bound {@code @ConfigurationProperties} beans whose prefix
	 * covers one of the given keys and whose instance was injected directly into
	 * singletons, with those singletons: they keep the instance they were given.
	 * @param keys the keys
	 * @return bean name to its direct consumers
	 */
	Map<String, Set<String>> directConsumers(Collection<String> keys) {
		List<ConfigurationPropertyName> names = keys.stream()
			.map((key) -> ConfigurationPropertyName.adapt(key, '.'))
			.toList();
		Map<String, Set<String>> result = new LinkedHashMap<>();
		for (RebindTargets.Target target : this.targets.all()) {
			if (target.replaceable() && target.isAffectedBy(names)) {
				Set<String> consumers = this.targets.directConsumers(target);
				if (!consumers.isEmpty()) {
					result.put(target.beanName(), consumers);
				}
			}
		}
		return result;
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
		for (RebindTargets.Target target : this.targets.all()) {
			if (!target.rebindable() && target.isAffectedBy(names)) {
				result.put(target.beanName(), target.prefix());
			}
		}
		return result;
	}

	private Object bindFresh(Binder candidateBinder, RebindTargets.Target target) {
		try {
			Object fresh;
			if (target.replaceable()) {
				fresh = this.binder.create(candidateBinder, target.bindTarget(), target.annotation());
			}
			else {
				fresh = BeanUtils.instantiateClass(Objects.requireNonNull(target.constructor()));
				this.binder.bind(candidateBinder, target.bindTarget(), fresh, target.annotation());
			}
			initialize(fresh, target.beanName());
			return fresh;
		}
		catch (Exception ex) {
			throw new BeanRebindException(target.beanName(), target.prefix(), ex);
		}
	}

	/*
	 * Run the fresh instance's {@code @PostConstruct} methods and {@code
	 * afterPropertiesSet()}. Only these: other bean post-processors keep per-bean state
	 * (Spring Cloud's {@code ConfigurationPropertiesBeans} would record the detached
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

	/*
	 * Have Spring Boot record the properties the given bean is now bound from (its {@code
	 * BoundConfigurationProperties}, which the {@code configprops} endpoint shows as
	 * inputs): its binding post-processor binds a throwaway instance against the {@code
	 * Environment}, which holds the applied version. A failure only leaves the inputs
	 * shown as they were.
	 */
	private void recordBoundProperties(RebindTargets.Target target) {
		if (target.replaceable()) {
			try {
				ConstructorBound.from(this.context.getBeanFactory(), target.beanName(), target.instance().getClass());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not record the bound properties of bean '" + target.beanName() + "'", ex);
			}
			return;
		}
		if (!(this.context.getBeanFactory() instanceof AbstractBeanFactory beanFactory)) {
			return;
		}
		for (BeanPostProcessor processor : beanFactory.getBeanPostProcessors()) {
			if (processor instanceof ConfigurationPropertiesBindingPostProcessor binding) {
				try {
					binding.postProcessBeforeInitialization(
							BeanUtils.instantiateClass(Objects.requireNonNull(target.constructor())),
							target.beanName());
				}
				catch (RuntimeException ex) {
					logger.debug("Could not record the bound properties of bean '" + target.beanName() + "'", ex);
				}
			}
		}
	}

	/*
	 * Whether Spring Boot recorded the given name as bound to a configuration properties
	 * bean (its BoundConfigurationProperties, which the configprops endpoint shows as
	 * inputs).
	 */
	private boolean isBound(ConfigurationPropertyName name) {
		BoundConfigurationProperties bound = BoundConfigurationProperties.get(this.context);
		return bound != null && bound.get(name) != null;
	}

	/**
	 * Return a binder over the given candidate sources, with the context's conversion
	 * services, for {@link ReloadApplier#validate appliers}.
	 * @param candidate the candidate property sources
	 * @return the binder
	 */
	Binder binderFor(PropertySources candidate) {
		return this.binder.binderFor(candidate);
	}

	/**
	 * Return the names of the {@code @ConfigurationProperties} beans this rebinder knows.
	 * @return the bean names
	 */
	List<String> beanNames() {
		return this.targets.all().stream().map(RebindTargets.Target::beanName).toList();
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
