package io.configlag.reload;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Converts a {@code CharSequence} that is not a {@code String} with the {@code String}
 * converters of the given service. Copied from Spring Boot's package-private
 * {@code ConfigurationPropertiesCharSequenceToObjectConverter}, which its
 * {@code ConversionServiceDeducer} adds to the service of the
 * {@code @ConfigurationPropertiesBinding} converter beans.
 *
 * @author The config-lag developers
 */
final class CharSequenceToObjectConverter implements ConditionalGenericConverter {

	private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);

	private static final TypeDescriptor BYTE_ARRAY = TypeDescriptor.valueOf(byte[].class);

	private final ThreadLocal<Boolean> disable = new ThreadLocal<>();

	private final ConversionService conversionService;

	CharSequenceToObjectConverter(ConversionService conversionService) {
		this.conversionService = conversionService;
	}

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return Set.of(new ConvertiblePair(CharSequence.class, Object.class));
	}

	@Override
	public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (sourceType.getType() == String.class || this.disable.get() == Boolean.TRUE) {
			return false;
		}
		this.disable.set(Boolean.TRUE);
		try {
			boolean direct = this.conversionService.canConvert(sourceType, targetType);
			if (direct && !isStringConversionBetter(sourceType, targetType)) {
				return false;
			}
			return this.conversionService.canConvert(STRING, targetType);
		}
		finally {
			this.disable.remove();
		}
	}

	private boolean isStringConversionBetter(TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (this.conversionService instanceof ApplicationConversionService applicationConversionService
				&& applicationConversionService.isConvertViaObjectSourceType(sourceType, targetType)) {
			return true;
		}
		return (targetType.isArray() || targetType.isCollection()) && !targetType.equals(BYTE_ARRAY);
	}

	@Override
	public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		return (source != null) ? this.conversionService.convert(source.toString(), STRING, targetType) : null;
	}

}
