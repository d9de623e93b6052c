package io.configlag.reload;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ObjectUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Copies the state of one {@code @ConfigurationProperties} object into another of the
 * same class through the properties Spring Boot's {@code JavaBeanBinder} binds, and by
 * the same means: a property with a setter is set, except that a nested object the target
 * already holds is kept and filled in place (as the binder binds into the value a getter
 * returns before it calls the setter with that same value); a getter-only nested object
 * is filled in place; a getter-only collection or map is updated in place. Getter-only
 * simple values are derived state and are left alone, and so are setter-only properties,
 * whose value cannot be read. No field is written directly.
 * <p>
 * The properties are found by the rules of {@code JavaBeanBinder.Bean}: the non-private,
 * non-protected, non-static {@code get}/{@code is} methods without parameters and
 * {@code set} methods with one parameter of the class and its superclasses, a setter
 * taking the getter's type being preferred. Like the binder, which calls package-private
 * accessors too, this class makes such methods accessible (through Spring's
 * {@link ReflectionUtils}); it only ever calls accessors.
 * <p>
 * A property is only ever overwritten with its next value, never reset first, so a reader
 * sees the old or the new value of each property, never a default in between. A
 * getter-only collection is changed element by element and a getter-only map entry by
 * entry (new entries are put before vanished ones are removed), so a reader never sees it
 * empty unless it becomes empty.
 *
 * @author The config-lag developers
 */
final class PropertyCopier {

	private static final Map<Class<?>, List<Property>> PROPERTIES = new ConcurrentReferenceHashMap<>();

	private PropertyCopier() {
	}

	/**
	 * Copy the state of {@code source} into {@code target}. Values the target does not
	 * hold yet are shared with the source, which is therefore discarded afterwards.
	 * @param source the object to copy from
	 * @param target the object to copy into, of the same class
	 */
	static void copy(Object source, Object target) {
		copy(source, target, false, Collections.newSetFromMap(new IdentityHashMap<>()));
	}

	/**
	 * Return a new instance of the source's class holding the source's state, with nested
	 * objects of its own, so that later changes to the source do not reach it.
	 * Collections and maps held through setters are shared: this class never changes them
	 * in place.
	 * @param source the object to copy
	 * @return the detached copy
	 */
	static Object detachedCopy(Object source) {
		Object copy = instantiate(source.getClass());
		if (copy == null) {
			throw new IllegalStateException("Cannot create a copy of " + source.getClass().getName());
		}
		copy(source, copy, true, Collections.newSetFromMap(new IdentityHashMap<>()));
		return copy;
	}

	private static void copy(Object source, Object target, boolean detach, Set<Object> visited) {
		if (!visited.add(target)) {
			return;
		}
		for (Property property : properties(source.getClass())) {
			Object value = property.get(source);
			Object current = property.get(target);
			boolean sameClass = value != null && current != null && value != current
					&& value.getClass() == current.getClass();
			if (property.setter() != null) {
				if (sameClass && isMutableObject(value.getClass())) {
					copy(value, current, detach, visited);
				}
				else if (!ObjectUtils.nullSafeEquals(value, current)) {
					property.set(target, detach ? detached(value) : value);
				}
			}
			else if (sameClass && isBoundByProperty(value.getClass())) {
				copy(value, current, detach, visited);
			}
			else if (value instanceof List<?> list && current instanceof List<?> currentList) {
				update(list, currentList);
			}
			else if (value instanceof Collection<?> collection && current instanceof Collection<?> currentCollection) {
				update(collection, currentCollection);
			}
			else if (value instanceof Map<?, ?> map && current instanceof Map<?, ?> currentMap) {
				update(map, currentMap);
			}
		}
	}

	private static @Nullable Object detached(@Nullable Object value) {
		if (value != null && isMutableObject(value.getClass())) {
			Object copy = instantiate(value.getClass());
			if (copy != null) {
				copy(value, copy, true, Collections.newSetFromMap(new IdentityHashMap<>()));
				return copy;
			}
		}
		return value;
	}

	@SuppressWarnings("unchecked")
	private static void update(List<?> source, List<?> target) {
		List<Object> list = (List<Object>) target;
		if (list.equals(source)) {
			return;
		}
		for (int i = 0; i < Math.min(source.size(), list.size()); i++) {
			if (!ObjectUtils.nullSafeEquals(list.get(i), source.get(i))) {
				list.set(i, source.get(i));
			}
		}
		for (int i = list.size(); i < source.size(); i++) {
			list.add(source.get(i));
		}
		while (list.size() > source.size()) {
			list.remove(list.size() - 1);
		}
	}

	@SuppressWarnings("unchecked")
	private static void update(Collection<?> source, Collection<?> target) {
		if (target.equals(source)) {
			return;
		}
		((Collection<Object>) target).addAll(source);
		target.retainAll(new ArrayList<>(source));
	}

	@SuppressWarnings("unchecked")
	private static void update(Map<?, ?> source, Map<?, ?> target) {
		if (target.equals(source)) {
			return;
		}
		((Map<Object, Object>) target).putAll(source);
		target.keySet().retainAll(new ArrayList<>(source.keySet()));
	}

	/*
	 * Tell whether the binder binds a value of the given type property by property when
	 * no single property converts to it, as Spring Boot's {@code Binder} does for any
	 * type that is neither a simple value, nor a container, nor a JDK type.
	 */
	private static boolean isBoundByProperty(Class<?> type) {
		return !BeanUtils.isSimpleProperty(type) && !type.isArray() && !Collection.class.isAssignableFrom(type)
				&& !Map.class.isAssignableFrom(type) && !type.getName().startsWith("java.");
	}

	/*
	 * Tell whether a value of the given type held through a setter is a nested object to
	 * fill in place: bound property by property and with a setter of its own. A value
	 * without setters (a {@code DataSize}, say) is converted from one property and set.
	 */
	private static boolean isMutableObject(Class<?> type) {
		if (!isBoundByProperty(type)) {
			return false;
		}
		for (Property property : properties(type)) {
			if (property.setter() != null) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the readable properties of the given type, found as Spring Boot's
	 * {@code JavaBeanBinder} finds them.
	 * @param type the class of a {@code @ConfigurationProperties} object
	 * @return its properties, as Boot's binder finds them
	 */
	static List<Property> properties(Class<?> type) {
		return PROPERTIES.computeIfAbsent(type, PropertyCopier::findProperties);
	}

	private static List<Property> findProperties(Class<?> type) {
		Map<String, Method> getters = new LinkedHashMap<>();
		Map<String, Method> setters = new LinkedHashMap<>();
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			Method[] methods = current.getDeclaredMethods();
			Arrays.sort(methods, Comparator.comparing(Method::getName));
			for (Method method : methods) {
				addIfAccessor(getters, method, "is", 0);
			}
			for (Method method : methods) {
				addIfAccessor(getters, method, "get", 0);
			}
			for (Method method : methods) {
				String name = accessorName(method, "set", 1);
				if (name != null) {
					Method getter = getters.get(name);
					Method existing = setters.get(name);
					if (existing == null
							|| (getter != null && getter.getReturnType().equals(method.getParameterTypes()[0]))) {
						setters.put(name, method);
					}
				}
			}
		}
		List<Property> properties = new ArrayList<>();
		getters.forEach((name, getter) -> {
			Method setter = setters.get(name);
			ReflectionUtils.makeAccessible(getter);
			if (setter != null) {
				ReflectionUtils.makeAccessible(setter);
			}
			properties.add(new Property(getter, setter));
		});
		return List.copyOf(properties);
	}

	private static void addIfAccessor(Map<String, Method> getters, Method method, String prefix, int parameters) {
		String name = accessorName(method, prefix, parameters);
		if (name != null) {
			Method existing = getters.get(name);
			if (existing == null || existing.getName().startsWith("is")) {
				getters.put(name, method);
			}
		}
	}

	private static @Nullable String accessorName(Method method, String prefix, int parameters) {
		int modifiers = method.getModifiers();
		String name = method.getName();
		if (Modifier.isPrivate(modifiers) || Modifier.isProtected(modifiers) || Modifier.isAbstract(modifiers)
				|| Modifier.isStatic(modifiers) || method.isBridge() || method.getDeclaringClass() == Object.class
				|| method.getDeclaringClass() == Class.class || name.indexOf('$') != -1
				|| method.getParameterCount() != parameters || !name.startsWith(prefix)
				|| name.length() == prefix.length()) {
			return null;
		}
		return name.substring(prefix.length()).toLowerCase(Locale.ROOT);
	}

	/**
	 * Return a new instance of the given type, from its no-argument constructor.
	 * @param type the type
	 * @return the instance, or {@code null} if the type has no such constructor
	 */
	static @Nullable Object instantiate(Class<?> type) {
		Constructor<?> constructor = noArgumentConstructor(type);
		return (constructor != null) ? BeanUtils.instantiateClass(constructor) : null;
	}

	/**
	 * Return the no-argument constructor of the given type.
	 * @param type the type
	 * @return the constructor, or {@code null} if there is none
	 */
	static @Nullable Constructor<?> noArgumentConstructor(Class<?> type) {
		if (type.isRecord() || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
			return null;
		}
		try {
			return type.getDeclaredConstructor();
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	/**
	 * A property: its getter and, when it has one, its setter.
	 *
	 * @param getter the getter
	 * @param setter the setter or {@code null}
	 */
	record Property(Method getter, @Nullable Method setter) {

		@Nullable Object get(Object target) {
			return ReflectionUtils.invokeMethod(this.getter, target);
		}

		void set(Object target, @Nullable Object value) {
			ReflectionUtils.invokeMethod(Objects.requireNonNull(this.setter), target, value);
		}

	}

}
