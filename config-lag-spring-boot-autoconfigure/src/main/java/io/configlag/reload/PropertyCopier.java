package io.configlag.reload;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.util.ObjectUtils;

/**
 * Copies the state of one {@code @ConfigurationProperties} object into another of the
 * same class through the properties Spring Boot's {@code JavaBeanBinder} binds, and by
 * the same means: a property with a setter is set, except that a nested object the
 * target already holds is kept and filled in place (as the binder binds into the value
 * a getter returns before it calls the setter with that same value); a getter-only
 * nested object is filled in place; a getter-only collection or map is updated in place.
 * Getter-only simple values are derived state and are left alone. No field is written
 * directly.
 * <p>
 * A property is only ever overwritten with its next value, never reset first, so a
 * reader sees the old or the new value of each property, never a default in between.
 * A getter-only collection is changed element by element and a getter-only map entry by
 * entry (new entries are put before vanished ones are removed), so a reader never sees
 * it empty unless it becomes empty.
 *
 * @author config-lag
 */
final class PropertyCopier {

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
	 * Return a new instance of the source's class holding the source's state, with
	 * nested objects of its own, so that later changes to the source do not reach it.
	 * Collections and maps held through setters are shared: this class never changes
	 * them in place.
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
		BeanWrapper from = PropertyAccessorFactory.forBeanPropertyAccess(source);
		BeanWrapper to = PropertyAccessorFactory.forBeanPropertyAccess(target);
		for (PropertyDescriptor descriptor : from.getPropertyDescriptors()) {
			if (descriptor.getReadMethod() == null || descriptor.getPropertyType() == null
					|| "class".equals(descriptor.getName())) {
				continue;
			}
			String name = descriptor.getName();
			Object value = from.getPropertyValue(name);
			Object current = to.getPropertyValue(name);
			boolean sameClass = value != null && current != null && value != current
					&& value.getClass() == current.getClass();
			if (descriptor.getWriteMethod() != null) {
				if (sameClass && isMutableObject(value.getClass())) {
					copy(value, current, detach, visited);
				}
				else if (!ObjectUtils.nullSafeEquals(value, current)) {
					to.setPropertyValue(name, detach ? detached(value) : value);
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

	/**
	 * Tell whether the binder binds a value of the given type property by property when
	 * no single property converts to it, as Spring Boot's {@code Binder} does for any
	 * type that is neither a simple value, nor a container, nor a JDK type.
	 */
	private static boolean isBoundByProperty(Class<?> type) {
		return !BeanUtils.isSimpleProperty(type) && !type.isArray() && !Collection.class.isAssignableFrom(type)
				&& !Map.class.isAssignableFrom(type) && !type.getName().startsWith("java.");
	}

	/**
	 * Tell whether a value of the given type held through a setter is a nested object
	 * to fill in place: bound property by property and with a setter of its own. A value
	 * without setters (a {@code DataSize}, say) is converted from one property and set.
	 */
	private static boolean isMutableObject(Class<?> type) {
		if (!isBoundByProperty(type)) {
			return false;
		}
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getWriteMethod() != null) {
				return true;
			}
		}
		return false;
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
		if (type.isRecord() || type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
			return null;
		}
		try {
			return type.getDeclaredConstructor();
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

}
