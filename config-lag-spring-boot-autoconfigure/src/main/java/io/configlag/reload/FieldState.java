package io.configlag.reload;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of every instance field of an object. Used to move a freshly bound
 * {@code @ConfigurationProperties} instance into the live bean field by field: each field
 * write is a single reference store, so a concurrent reader of any field sees either its
 * old or its new value, never a reset default in between.
 *
 * @author config-lag
 */
final class FieldState {

	private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

	private final List<Field> fields;

	private final Object[] values;

	private FieldState(List<Field> fields, Object[] values) {
		this.fields = fields;
		this.values = values;
	}

	/**
	 * Capture the field values of the given object.
	 * @param source the object
	 * @return its field state
	 */
	static FieldState of(Object source) {
		List<Field> fields = fieldsOf(source.getClass());
		Object[] values = new Object[fields.size()];
		try {
			for (int i = 0; i < values.length; i++) {
				values[i] = fields.get(i).get(source);
			}
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot read the fields of " + source.getClass().getName(), ex);
		}
		return new FieldState(fields, values);
	}

	/**
	 * Tell whether the fields of the given type can be copied.
	 * @param type the type
	 * @return whether {@link #of} and {@link #applyTo} work for it
	 */
	static boolean isCopyable(Class<?> type) {
		try {
			fieldsOf(type);
			return !type.isRecord();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Write the captured values into the given object of the same class.
	 * @param target the object
	 */
	void applyTo(Object target) {
		try {
			for (int i = 0; i < this.values.length; i++) {
				Field field = this.fields.get(i);
				if (field.get(target) != this.values[i]) {
					field.set(target, this.values[i]);
				}
			}
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot write the fields of " + target.getClass().getName(), ex);
		}
	}

	private static List<Field> fieldsOf(Class<?> type) {
		return FIELDS.computeIfAbsent(type, (key) -> {
			List<Field> fields = new ArrayList<>();
			for (Class<?> current = key; current != null && current != Object.class; current = current
				.getSuperclass()) {
				for (Field field : current.getDeclaredFields()) {
					if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
						field.setAccessible(true);
						fields.add(field);
					}
				}
			}
			return List.copyOf(fields);
		});
	}

}
