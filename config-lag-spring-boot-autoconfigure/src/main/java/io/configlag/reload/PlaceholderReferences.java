package io.configlag.reload;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.configlag.mount.MountedConfigPropertySource;

import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.PropertySources;

/**
 * Finds the properties whose resolved value depends, through {@code ${...}} placeholders,
 * on a changed key: when a ConfigMap changes {@code app.host}, a packaged
 * {@code client.url: http://${app.host}/} changed too, and so did the beans bound to it.
 * Sources other than the mounted one rarely change, so their references are indexed once
 * per source instance.
 *
 * @author The config-lag developers
 */
final class PlaceholderReferences {

	private static final String PREFIX = "${";

	private static final String ATTACHED_SOURCE_NAME = "configurationProperties";

	private final Map<PropertySource<?>, Map<String, Set<String>>> index = new IdentityHashMap<>();

	/**
	 * Return the changed keys plus every key that refers to one of them, transitively.
	 * @param changed the keys whose values changed
	 * @param sources the property sources of the new version
	 * @return the keys whose resolved values may have changed
	 */
	Set<String> expand(Collection<String> changed, PropertySources sources) {
		return expand(changed, sources, new LinkedHashMap<>());
	}

	/**
	 * Return the changed keys plus every key that refers to one of them, transitively,
	 * and record which key refers to which.
	 * @param changed the keys whose values changed
	 * @param sources the property sources of the new version
	 * @param referencedBy where to record, for a key, the keys that refer to it
	 * @return the keys whose resolved values may have changed
	 */
	synchronized Set<String> expand(Collection<String> changed, PropertySources sources,
			Map<String, Set<String>> referencedBy) {
		List<Map<String, Set<String>>> references = new ArrayList<>();
		Map<PropertySource<?>, Map<String, Set<String>>> seen = new IdentityHashMap<>();
		for (PropertySource<?> source : sources) {
			if (source instanceof EnumerablePropertySource<?> enumerable
					&& !ATTACHED_SOURCE_NAME.equals(source.getName())) {
				Map<String, Set<String>> sourceReferences = (source instanceof MountedConfigPropertySource)
						? index(enumerable) : this.index.computeIfAbsent(source, (key) -> index(enumerable));
				seen.put(source, sourceReferences);
				if (!sourceReferences.isEmpty()) {
					references.add(sourceReferences);
				}
			}
		}
		this.index.keySet().retainAll(seen.keySet());
		Set<String> result = new LinkedHashSet<>(changed);
		if (references.isEmpty()) {
			return result;
		}
		Deque<String> pending = new ArrayDeque<>(changed);
		while (!pending.isEmpty()) {
			String name = pending.pop();
			for (Map<String, Set<String>> sourceReferences : references) {
				for (String referencing : sourceReferences.getOrDefault(name, Set.of())) {
					referencedBy.computeIfAbsent(name, (key) -> new LinkedHashSet<>()).add(referencing);
					if (result.add(referencing)) {
						pending.push(referencing);
					}
				}
			}
		}
		return result;
	}

	/*
	 * Index a source: referenced name to the names of the properties referring to it.
	 */
	private static Map<String, Set<String>> index(EnumerablePropertySource<?> source) {
		Map<String, Set<String>> references = new HashMap<>();
		// The mounted snapshot finds its few values with a placeholder in one scan
		Iterable<String> names = (source instanceof MountedConfigPropertySource mounted)
				? mounted.getSnapshot().namesWithValueContaining(PREFIX) : List.of(source.getPropertyNames());
		for (String name : names) {
			Object value = source.getProperty(name);
			if (value instanceof CharSequence text && text.toString().contains(PREFIX)) {
				for (String referenced : referencedNames(text.toString())) {
					references.computeIfAbsent(referenced, (key) -> new LinkedHashSet<>()).add(name);
				}
			}
		}
		return references;
	}

	/**
	 * Return the names referenced by placeholders in the given value, including those in
	 * default values and nested placeholders.
	 * @param value the value
	 * @return the referenced names
	 */
	static Set<String> referencedNames(String value) {
		Set<String> names = new LinkedHashSet<>();
		int start = value.indexOf(PREFIX);
		while (start != -1) {
			int nameStart = start + PREFIX.length();
			int end = findEnd(value, nameStart);
			String content = (end != -1) ? value.substring(nameStart, end) : value.substring(nameStart);
			String name = defaultSeparated(content);
			if (!name.isEmpty() && !name.contains(PREFIX)) {
				names.add(name.trim());
			}
			start = value.indexOf(PREFIX, nameStart);
		}
		return names;
	}

	private static int findEnd(String value, int from) {
		int depth = 1;
		for (int i = from; i < value.length(); i++) {
			if (value.startsWith(PREFIX, i)) {
				depth++;
				i++;
			}
			else if (value.charAt(i) == '}' && --depth == 0) {
				return i;
			}
		}
		return -1;
	}

	private static String defaultSeparated(String content) {
		int separator = content.indexOf(':');
		return (separator != -1) ? content.substring(0, separator) : content;
	}

}
