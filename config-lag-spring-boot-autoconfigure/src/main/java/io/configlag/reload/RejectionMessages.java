package io.configlag.reload;

import java.util.ArrayList;
import java.util.List;

import io.configlag.mount.ConfigLoadException;
import io.configlag.reload.PropertiesBeanRebinder.BeanRebindException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.TypeMismatchException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Describes why a reload was rejected, naming properties, files and lines but never a
 * property value (conversion failures, for one, put the value in their own message).
 * Spring Boot's start-up failure report for a mounted value shares its constraint
 * messages.
 *
 * @author The config-lag developers
 */
public final class RejectionMessages {

	private RejectionMessages() {
	}

	static String describe(Throwable ex) {
		if (ex instanceof ConfigLoadException) {
			return ex.getMessage();
		}
		if (ex instanceof BeanRebindException rebind) {
			return rebind.getMessage() + ": " + describeCause(rebind.getCause());
		}
		return "Failed to apply the new version: " + describeCause(ex);
	}

	private static String describeCause(@Nullable Throwable ex) {
		if (ex == null) {
			return "unknown error";
		}
		BindException bind = find(ex, BindException.class);
		if (bind != null) {
			return describe(bind);
		}
		String conversion = describeConversion(ex);
		if (conversion != null) {
			return conversion;
		}
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static String describe(BindException ex) {
		String where = where(ex.getProperty());
		Throwable cause = ex.getCause();
		if (cause instanceof BindValidationException validation) {
			List<String> errors = new ArrayList<>();
			for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
				String name = (error instanceof FieldError field)
						? validation.getValidationErrors().getName() + "." + field.getField()
						: validation.getValidationErrors().getName().toString();
				errors.add("'" + name + "' "
						+ ((error instanceof FieldError field) ? constraintMessage(field) : error.getDefaultMessage()));
			}
			return "validation failed: " + String.join("; ", errors);
		}
		if (cause instanceof UnboundConfigurationPropertiesException unbound) {
			List<String> names = new ArrayList<>();
			unbound.getUnboundProperties().forEach((property) -> names.add(property.getName().toString()));
			return "unknown properties " + names + " (ignoreUnknownFields = false)";
		}
		String type = ex.getTarget().getType().toString();
		if (find(cause, ConversionException.class) != null) {
			return "property '" + ex.getName() + "'" + where + " cannot be converted to " + type;
		}
		return "property '" + ex.getName() + "'" + where + " cannot be bound to " + type + " ("
				+ ((cause != null) ? cause.getClass().getSimpleName() : "unknown") + ")";
	}

	/**
	 * Describe a conversion outside the binder (an applier reading the
	 * {@code Environment}, a bean created with {@code @Value}): Spring's conversion
	 * exceptions quote the value in their messages.
	 * @param ex the failure
	 * @return the description or {@code null} if no conversion failed
	 */
	private static @Nullable String describeConversion(Throwable ex) {
		ConversionException conversion = find(ex, ConversionException.class);
		TypeMismatchException mismatch = find(ex, TypeMismatchException.class);
		if (conversion == null && mismatch == null) {
			return null;
		}
		InvalidConfigurationPropertyValueException invalid = find(ex, InvalidConfigurationPropertyValueException.class);
		String what = (invalid != null) ? "property '" + invalid.getName() + "'" : "a value";
		Object type = (conversion instanceof ConversionFailedException failed) ? failed.getTargetType()
				: ((mismatch != null) ? mismatch.getRequiredType() : null);
		Throwable failure = (conversion != null) ? conversion : mismatch;
		return what + " cannot be converted" + ((type != null) ? " to " + type : "") + " ("
				+ failure.getClass().getSimpleName() + ")";
	}

	/**
	 * Return the message of a violated constraint, or the constraint's name if the
	 * message quotes the rejected value (a message can, with {@code ${validatedValue}}).
	 * @param error the error
	 * @return the message
	 */
	public static @Nullable String constraintMessage(FieldError error) {
		String message = error.getDefaultMessage();
		Object value = error.getRejectedValue();
		if (message != null && value != null && !value.toString().isEmpty() && message.contains(value.toString())) {
			return "violates " + error.getCode() + " (its message quotes the value)";
		}
		return message;
	}

	private static String where(@Nullable ConfigurationProperty property) {
		return (property != null && property.getOrigin() != null) ? " from " + property.getOrigin() : "";
	}

	private static <T extends Throwable> @Nullable T find(@Nullable Throwable ex, Class<T> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

}
