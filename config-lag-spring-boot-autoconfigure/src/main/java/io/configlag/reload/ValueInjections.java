package io.configlag.reload;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the keys that beans read through {@code @Value}: the placeholders of their
 * {@code @Value} fields, methods and constructor or factory method parameters, and, for a
 * {@code @ConfigurationProperties} bean of a scope, its prefix. A singleton reads them
 * once, when it is created, so its keys require a restart; a bean of Spring Cloud's
 * refresh scope reads them again when the scope creates it anew. Keys that a bean reads
 * in other ways (from the {@code Environment} directly, in a listener) cannot be seen:
 * they are declared in {@code config.lag.reload.live-keys}. Beans of Spring's own
 * projects are not searched.
 *
 * @author The config-lag developers
 */
public final class ValueInjections {

	private static final PropertyPlaceholderHelper PLACEHOLDERS = new PropertyPlaceholderHelper("${", "}", ":", '\\',
			true);

	private final ConfigurableListableBeanFactory beanFactory;

	private volatile @Nullable Index index;

	/**
	 * Create an instance.
	 * @param beanFactory the bean factory whose beans are searched
	 */
	public ValueInjections(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Return, for each bean of a matching scope that reads one of the given keys, the
	 * keys it reads.
	 * @param keys the changed keys
	 * @param definitions the bean definitions to search
	 * @return bean name to the keys it reads
	 */
	public Map<String, Set<String>> readersOf(Collection<String> keys, Predicate<BeanDefinition> definitions) {
		Map<String, Set<String>> readers = new LinkedHashMap<>();
		if (keys.isEmpty()) {
			return readers;
		}
		index().readers().forEach((beanName, reader) -> {
			if (!definitions.test(reader.definition())) {
				return;
			}
			Set<String> taken = new LinkedHashSet<>();
			for (String key : keys) {
				ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
				if (reader.names()
					.stream()
					.anyMatch((candidate) -> candidate.equals(name) || candidate.isAncestorOf(name))) {
					taken.add(key);
				}
			}
			if (!taken.isEmpty()) {
				readers.put(beanName, taken);
			}
		});
		return readers;
	}

	/*
	 * The beans that read keys through @Value, found again when the number of bean
	 * definitions changes (as RebindTargets finds the @ConfigurationProperties beans).
	 */
	private Index index() {
		int count = this.beanFactory.getBeanDefinitionCount();
		Index index = this.index;
		if (index == null || index.definitionCount() != count) {
			Map<String, Reader> readers = new LinkedHashMap<>();
			for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
				BeanDefinition definition = definition(beanName);
				Class<?> type = (definition != null && !definition.isAbstract() && !isScopedProxy(beanName))
						? type(beanName) : null;
				if (definition == null || type == null || type.getName().startsWith("org.springframework.")) {
					continue;
				}
				List<ConfigurationPropertyName> names = read(beanName, type, !definition.isSingleton());
				if (!names.isEmpty()) {
					readers.put(beanName, new Reader(definition, names));
				}
			}
			index = new Index(count, readers);
			this.index = index;
		}
		return index;
	}

	/*
	 * The singleton proxy of a scoped bean (a @RefreshScope bean) has the bean's type but
	 * reads nothing itself: its target bean does.
	 */
	private boolean isScopedProxy(String beanName) {
		return this.beanFactory.containsBeanDefinition(ScopedProxyUtils.getTargetBeanName(beanName));
	}

	private @Nullable BeanDefinition definition(String beanName) {
		try {
			return this.beanFactory.getBeanDefinition(beanName);
		}
		catch (NoSuchBeanDefinitionException ex) {
			return null;
		}
	}

	/*
	 * The names a bean reads; the prefix of a @ConfigurationProperties bean that is not a
	 * singleton (singletons are rebound) stands for its descendants.
	 */
	private List<ConfigurationPropertyName> read(String beanName, Class<?> type, boolean withPrefix) {
		List<ConfigurationPropertyName> names = new ArrayList<>();
		ConfigurationProperties properties = withPrefix
				? AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class) : null;
		if (properties != null && !properties.prefix().isEmpty()) {
			names.add(ConfigurationPropertyName.adapt(properties.prefix(), '.'));
		}
		ReflectionUtils.doWithFields(type, (field) -> addValue(field, names));
		// The parameters of a @Bean method belong to the bean it creates
		ReflectionUtils.doWithMethods(type, (method) -> addValues(method, names),
				(method) -> !AnnotatedElementUtils.hasAnnotation(method, Bean.class));
		for (Executable constructor : type.getDeclaredConstructors()) {
			addValues(constructor, names);
		}
		if (this.beanFactory.getMergedBeanDefinition(beanName) instanceof RootBeanDefinition root) {
			Method factoryMethod = root.getResolvedFactoryMethod();
			if (factoryMethod != null) {
				addValues(factoryMethod, names);
			}
		}
		return names;
	}

	private @Nullable Class<?> type(String beanName) {
		try {
			return this.beanFactory.getType(beanName, false);
		}
		catch (NoSuchBeanDefinitionException ex) {
			return null;
		}
	}

	private static void addValues(Executable executable, List<ConfigurationPropertyName> names) {
		addValue(executable, names);
		for (Parameter parameter : executable.getParameters()) {
			addValue(parameter, names);
		}
	}

	private static void addValue(AnnotatedElement element, List<ConfigurationPropertyName> names) {
		Annotation[] annotations = element.getDeclaredAnnotations();
		for (Annotation annotation : annotations) {
			if (annotation instanceof Value value) {
				PLACEHOLDERS.replacePlaceholders(value.value(), (name) -> {
					names.add(ConfigurationPropertyName.adapt(name, '.'));
					return null;
				});
			}
		}
	}

	private record Reader(BeanDefinition definition, List<ConfigurationPropertyName> names) {

	}

	private record Index(int definitionCount, Map<String, Reader> readers) {

	}

}
