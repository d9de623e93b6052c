package io.configlag.cloud;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the keys that the beans of Spring Cloud's refresh scope read when the scope
 * creates them again: the placeholders of their {@code @Value} fields, methods and
 * constructor or factory method parameters, and the prefix of a refresh-scoped
 * {@code @ConfigurationProperties} bean. Keys that such a bean reads in other ways (from
 * the {@code Environment} directly, in a listener) cannot be seen: declare them in
 * {@code config.lag.reload.live-keys}.
 *
 * @author The config-lag developers
 */
final class RefreshScopeKeys {

	/**
	 * The name under which Spring Cloud registers its {@link RefreshScope}.
	 */
	private static final String SCOPE = "refresh";

	private static final PropertyPlaceholderHelper PLACEHOLDERS = new PropertyPlaceholderHelper("${", "}", ":", '\\',
			true);

	private final ConfigurableListableBeanFactory beanFactory;

	RefreshScopeKeys(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Return the refresh-scoped bean that reads each of the given keys.
	 * @param keys the changed keys
	 * @return pairs of bean name and the keys it reads
	 */
	List<BeanKeys> readersOf(Collection<String> keys) {
		List<BeanKeys> readers = new ArrayList<>();
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = this.beanFactory.getBeanDefinition(beanName);
			if (!SCOPE.equals(definition.getScope())) {
				continue;
			}
			List<ConfigurationPropertyName> read = read(beanName);
			Set<String> taken = new LinkedHashSet<>();
			for (String key : keys) {
				ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
				if (read.stream().anyMatch((candidate) -> candidate.equals(name) || candidate.isAncestorOf(name))) {
					taken.add(key);
				}
			}
			if (!taken.isEmpty()) {
				readers.add(new BeanKeys(beanName, taken));
			}
		}
		return readers;
	}

	/*
	 * The names a bean reads; a @ConfigurationProperties prefix stands for its
	 * descendants.
	 */
	private List<ConfigurationPropertyName> read(String beanName) {
		List<ConfigurationPropertyName> names = new ArrayList<>();
		Class<?> type = type(beanName);
		if (type != null) {
			ConfigurationProperties properties = AnnotatedElementUtils.findMergedAnnotation(type,
					ConfigurationProperties.class);
			if (properties != null) {
				names.add(ConfigurationPropertyName.adapt(properties.prefix(), '.'));
			}
			ReflectionUtils.doWithFields(type, (field) -> addValue(field, names));
			ReflectionUtils.doWithMethods(type, (method) -> addValues(method, names));
			for (Executable constructor : type.getDeclaredConstructors()) {
				addValues(constructor, names);
			}
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

	/**
	 * A refresh-scoped bean and the changed keys it reads.
	 *
	 * @param beanName the bean name
	 * @param keys the keys
	 */
	record BeanKeys(String beanName, Set<String> keys) {

	}

}
