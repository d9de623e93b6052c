package io.configlag.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.configlag.reload.RejectionMessages;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.TypeMismatchException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Spring Boot's start-up failure report for a property whose value was read from a
 * mounted file, naming the property and its origin but not its value. Spring Boot's
 * {@code BindFailureAnalyzer}, {@code BindValidationFailureAnalyzer},
 * {@code UnboundConfigurationPropertyFailureAnalyzer} and
 * {@code InvalidConfigurationPropertyValueFailureAnalyzer} print the value
 * ({@code Value: "..."}, {@code Invalid value '...'}), and the first also the message of
 * the conversion failure ({@code NumberFormatException: For input string: "..."}): for a
 * Secret that is the secret. This analyzer runs before them and, when the value of a
 * property of the failure comes from the
 * {@link io.configlag.mount.MountedConfigPropertySource} (directly or through a
 * {@code ${...}} placeholder, see {@link MountedValues}), reports what they would report
 * with the value replaced by {@value #HIDDEN} and the reason of a binding failure reduced
 * to exception types (a constraint message that quotes the value is replaced by the
 * constraint's name). The "Invalid value" report leaves out Boot's list of the other
 * sources that set the property. A failure that involves no mounted value is left to
 * Spring Boot's analyzers, unchanged.
 * <p>
 * Boot has no analyzer for an {@code @Value} injection that cannot be converted, and logs
 * "Application run failed" with a stack trace whose messages quote the value. When the
 * value of such a {@code TypeMismatchException} is the value of a mounted property
 * (Spring does not say which property it resolved), this analyzer reports the mounted
 * properties with that value, the bean and the target type instead.
 * <p>
 * Copied from Spring Boot 4.0.9's analyzers named above: the layout of the descriptions
 * (the headers, the {@code Property}, {@code Value}, {@code Origin} and {@code Reason}
 * lines, the "Invalid value" sentence), the "failed to convert" reason and the actions,
 * so that the report reads as Boot's in every other respect. Boot's analyzers are
 * package-private and build the description in one piece, so they cannot be called with
 * the value left out.
 * <p>
 * The {@link FailureAnalysis#getCause() cause} of the analysis keeps the stack trace of
 * the failure but not its causes: Boot logs it at DEBUG ({@code --debug}), and Spring's
 * conversion and validation exceptions quote the value in their messages.
 *
 * @author The config-lag developers
 */
class MountedValueFailureAnalyzer extends AbstractFailureAnalyzer<Throwable> implements Ordered {

	/**
	 * What the report shows instead of the value of a mounted property.
	 */
	static final String HIDDEN = "(from a mounted file, not shown)";

	private static final String ACTION = "Update your application's configuration";

	private final MountedValues mounted;

	MountedValueFailureAnalyzer(@Nullable Environment environment) {
		this.mounted = new MountedValues(environment);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, Throwable cause) {
		BindException bind = findCause(rootFailure, BindException.class);
		if (bind != null) {
			return analyzeBind(bind);
		}
		InvalidConfigurationPropertyValueException invalid = findCause(rootFailure,
				InvalidConfigurationPropertyValueException.class);
		if (invalid != null) {
			return analyzeInvalidValue(invalid);
		}
		TypeMismatchException mismatch = findCause(rootFailure, TypeMismatchException.class);
		return (mismatch != null) ? analyzeTypeMismatch(rootFailure, mismatch) : null;
	}

	private @Nullable FailureAnalysis analyzeBind(BindException cause) {
		if (cause.getCause() instanceof BindValidationException validation) {
			return analyzeValidation(cause, validation);
		}
		if (cause.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			return analyzeUnbound(cause, unbound);
		}
		ConfigurationProperty property = cause.getProperty();
		if (property == null || !this.mounted.isMounted(property)) {
			return null;
		}
		StringBuilder description = new StringBuilder(String.format("%s:%n", cause.getMessage()));
		appendProperty(description, property.getName().toString(), property.getOrigin());
		description.append(String.format("%n    Reason: %s", reason(cause)));
		StringBuilder action = new StringBuilder(ACTION);
		List<String> validValues = validValues(cause);
		if (!validValues.isEmpty()) {
			action.append(String.format(". The following values are valid:%n"));
			validValues.forEach((value) -> action.append(String.format("%n    %s", value)));
		}
		return analysis(description, action, cause);
	}

	private @Nullable FailureAnalysis analyzeValidation(BindException cause, BindValidationException validation) {
		List<ObjectError> errors = validation.getValidationErrors().getAllErrors();
		if (errors.stream().noneMatch((error) -> this.mounted.isMounted(Origin.from(error)))) {
			return null;
		}
		StringBuilder description = new StringBuilder(
				String.format("Binding to target %s failed:%n", cause.getTarget().getType()));
		for (ObjectError error : errors) {
			String reason = error.getDefaultMessage();
			if (error instanceof FieldError field) {
				String name = error.getObjectName() + "." + field.getField();
				Origin origin = Origin.from(error);
				if (this.mounted.isMounted(origin)) {
					appendProperty(description, name, origin);
					reason = RejectionMessages.constraintMessage(field);
				}
				else {
					appendProperty(description, name, "\"" + field.getRejectedValue() + "\"", origin);
				}
			}
			description.append(String.format("%n    Reason: %s%n", reason));
		}
		return analysis(description, ACTION, cause);
	}

	private @Nullable FailureAnalysis analyzeUnbound(BindException cause,
			UnboundConfigurationPropertiesException unbound) {
		if (unbound.getUnboundProperties().stream().noneMatch(this.mounted::isMounted)) {
			return null;
		}
		StringBuilder description = new StringBuilder(
				String.format("Binding to target %s failed:%n", cause.getTarget()));
		for (ConfigurationProperty property : unbound.getUnboundProperties()) {
			if (this.mounted.isMounted(property)) {
				appendProperty(description, property.getName().toString(), property.getOrigin());
			}
			else {
				appendProperty(description, property.getName().toString(), "\"" + property.getValue() + "\"",
						property.getOrigin());
			}
			description.append(String.format("%n    Reason: %s", unbound.getMessage()));
		}
		return analysis(description, ACTION, cause);
	}

	private @Nullable FailureAnalysis analyzeInvalidValue(InvalidConfigurationPropertyValueException cause) {
		String name = cause.getName();
		if (!this.mounted.isMounted(name)) {
			return null;
		}
		StringBuilder description = new StringBuilder("Invalid value " + HIDDEN + " for configuration property '" + name
				+ "'" + originatingFrom(this.mounted.origin(name)) + ".");
		if (StringUtils.hasText(cause.getReason())) {
			description.append(String.format(" Validation failed for the following reason:%n%n"));
			description.append(cause.getReason());
		}
		else {
			description.append(" No reason was provided.");
		}
		String action = "Review the value of the property"
				+ ((cause.getReason() != null) ? " with the provided reason" : "") + ".";
		return analysis(description, action, cause, "Invalid value for configuration property '" + name + "'");
	}

	private @Nullable FailureAnalysis analyzeTypeMismatch(Throwable rootFailure, TypeMismatchException cause) {
		Map<String, @Nullable Origin> properties = this.mounted.withValue(cause.getValue());
		if (properties.isEmpty()) {
			return null;
		}
		BeanCreationException creation = findCause(rootFailure, BeanCreationException.class);
		String bean = (creation != null && creation.getBeanName() != null) ? "bean '" + creation.getBeanName() + "'"
				: "a bean";
		StringBuilder description = new StringBuilder(String.format(
				"A value from a mounted file could not be converted to %s for %s:%n", cause.getRequiredType(), bean));
		properties.forEach((name, origin) -> appendProperty(description, name, origin));
		description.append(String.format("%n    Reason: failed to convert %s to %s (caused by %s)",
				ClassUtils.getDescriptiveType(cause.getValue()), cause.getRequiredType(), rootCauseType(cause)));
		return analysis(description, ACTION, cause, "Failed to convert a value from a mounted file for " + bean);
	}

	private static String originatingFrom(@Nullable Origin origin) {
		return (origin != null) ? " (originating from '" + origin + "')" : "";
	}

	private static void appendProperty(StringBuilder description, String name, @Nullable Origin origin) {
		appendProperty(description, name, HIDDEN, origin);
	}

	private static void appendProperty(StringBuilder description, String name, String value, @Nullable Origin origin) {
		description.append(String.format("%n    Property: %s", name));
		description.append(String.format("%n    Value: %s", value));
		if (origin != null) {
			description.append(String.format("%n    Origin: %s", origin));
		}
	}

	/**
	 * Return Boot's reason without any exception message: the message of a conversion
	 * failure quotes the value, and so may any other.
	 * @param cause the binding failure
	 * @return the reason
	 */
	private String reason(BindException cause) {
		ConversionFailedException conversionFailure = findCause(cause, ConversionFailedException.class);
		if (conversionFailure != null) {
			return "failed to convert " + conversionFailure.getSourceType() + " to " + conversionFailure.getTargetType()
					+ " (caused by " + rootCauseType(cause) + ")";
		}
		return rootCauseType(cause);
	}

	private static String rootCauseType(Throwable cause) {
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getName();
	}

	private List<String> validValues(BindException cause) {
		ConversionFailedException conversionFailure = findCause(cause, ConversionFailedException.class);
		Object[] constants = (conversionFailure != null)
				? conversionFailure.getTargetType().getType().getEnumConstants() : null;
		return (constants != null)
				? List.copyOf(
						Stream.of(constants).map(Object::toString).collect(TreeSet::new, TreeSet::add, TreeSet::addAll))
				: List.of();
	}

	private static FailureAnalysis analysis(CharSequence description, CharSequence action, BindException cause) {
		return analysis(description, action, cause, cause.getMessage());
	}

	// The cause keeps the stack trace of the failure but neither its message nor its
	// causes, which may quote the value
	private static FailureAnalysis analysis(CharSequence description, CharSequence action, Throwable cause,
			@Nullable String message) {
		IllegalStateException shown = new IllegalStateException(
				message + " (the exceptions that caused it may quote a value from a mounted file)");
		shown.setStackTrace(cause.getStackTrace());
		return new FailureAnalysis(description.toString(), action.toString(), shown);
	}

}
