package io.configlag.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

import io.configlag.test.KubeletVolume;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.Assert;

/**
 * The irreducible part of a reload, done with Spring Boot's public classes only: its
 * {@link PropertySourceLoader} on a changed file (what Boot's config data does with the
 * same file at startup), and its {@link Binder} on the one affected
 * {@code @ConfigurationProperties} bean. A reload cannot cost less than these two.
 *
 * @author The config-lag developers
 */
final class BootCost {

	private static final PropertySourceLoader PROPERTIES = new PropertiesPropertySourceLoader();

	private static final PropertySourceLoader YAML = new YamlPropertySourceLoader();

	private BootCost() {
	}

	/**
	 * Load one file of the volume with Boot's loader for its extension.
	 * @param volume the volume
	 * @param file the file name
	 * @return the property sources, one per document
	 */
	static List<PropertySource<?>> load(KubeletVolume volume, String file) {
		PropertySourceLoader loader = (file.endsWith(".yaml") || file.endsWith(".yml")) ? YAML : PROPERTIES;
		try {
			return loader.load(file, new FileSystemResource(volume.path(file)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Load the given files of the volume with Boot's loaders.
	 * @param volume the volume
	 * @param files the file names
	 * @return the number of keys loaded
	 */
	static int loadAll(KubeletVolume volume, Collection<String> files) {
		int keys = 0;
		for (String file : files) {
			keys += keys(load(volume, file));
		}
		return keys;
	}

	/**
	 * Return the number of keys of loaded property sources.
	 * @param sources the sources
	 * @return the number of keys
	 */
	static int keys(List<PropertySource<?>> sources) {
		int keys = 0;
		for (PropertySource<?> source : sources) {
			keys += ((EnumerablePropertySource<?>) source).getPropertyNames().length;
		}
		return keys;
	}

	/**
	 * Bind a new instance of a {@code @ConfigurationProperties} class, as Boot binds the
	 * bean.
	 * @param <T> the type
	 * @param binder the application's binder ({@link Binder#get})
	 * @param prefix the bean's prefix
	 * @param type the bean's class, with a public no-arg constructor
	 * @return the bound instance
	 */
	static <T> T bind(Binder binder, String prefix, Class<T> type) {
		T instance;
		try {
			instance = type.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
		T bound = binder.bind(prefix, Bindable.ofInstance(instance)).orElse(instance);
		Assert.state(bound == instance, "Expected the instance to be bound in place");
		return bound;
	}

}
