package io.configlag.reload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.PropertyEditorRegistry;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Bindable.BindRestriction;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.PropertySourceInfo;
import org.springframework.boot.validation.MessageInterpolatorFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.PropertySource.StubPropertySource;
import org.springframework.core.env.PropertySources;
import org.springframework.format.support.FormattingConversionService;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/**
 * Binds a fresh {@code @ConfigurationProperties} instance against a candidate set of
 * property sources, so that a new version can be bound and validated before anything live
 * changes.
 * <p>
 * Spring Boot's own {@code ConfigurationPropertiesBinder} (package-private) binds against
 * the {@code Environment}'s sources and nothing else, so its logic is repeated here with
 * Boot's public classes ({@link Binder}, the bind handlers of
 * {@code org.springframework.boot.context.properties.bind.handler},
 * {@link ValidationBindHandler}, {@link ApplicationConversionService#addBeans},
 * {@link MessageInterpolatorFactory}). What is copied from Boot 4.0's
 * {@code ConfigurationPropertiesBinder} and why:
 * <ul>
 * <li>the bind handler chain of {@code getBindHandler}: ignore a top-level converter that
 * is not found, keep nested {@code @ConfigurationProperties} types from being bound from
 * a single property ({@code ConfigurationPropertiesBindHandler}, private there),
 * {@code ignoreInvalidFields}, {@code ignoreUnknownFields}, validation, then every
 * {@link ConfigurationPropertiesBindHandlerAdvisor};</li>
 * <li>the validators of {@code getValidators}: the
 * {@value EnableConfigurationProperties#VALIDATOR_BEAN_NAME} bean, Bean Validation for a
 * {@code @Validated} type (restricted to that type as in Boot's package-private
 * {@code ConfigurationPropertiesJsr303Validator}), and the instance itself when it is a
 * {@link Validator}, or, for a constructor-bound type that is a {@link Validator}, the
 * instance it creates (Boot's
 * {@code SelfValidatingConstructorBoundBindableValidator});</li>
 * <li>the conversion services of Boot's package-private {@code ConversionServiceDeducer},
 * including its {@code ConfigurationPropertiesCharSequenceToObjectConverter}
 * ({@link CharSequenceToObjectConverter} here), without which a
 * {@code @ConfigurationPropertiesBinding} converter from {@code String} would not apply
 * to a value loaded as a {@code CharSequence};</li>
 * <li>the {@link Binder} construction of {@code getBinder}: placeholders resolved against
 * the same (candidate) sources, the bean factory's property editors.</li>
 * </ul>
 * Boot's tracking of the bound properties is left out: its
 * {@link org.springframework.boot.context.properties.BoundConfigurationProperties} can
 * only be added to by Boot itself, and must not receive the values of a version that is
 * then rejected. {@link PropertiesBeanRebinder} has Boot record them once the version is
 * applied.
 *
 * @author The config-lag developers
 */
final class CandidateBinder {

	private static final String[] JSR303_CLASSES = { "jakarta.validation.Validator",
			"jakarta.validation.ValidatorFactory", "jakarta.validation.bootstrap.GenericBootstrap" };

	private final ConfigurableApplicationContext context;

	private final @Nullable List<ConversionService> conversionServices;

	private final @Nullable Validator configurationPropertiesValidator;

	private final boolean jsr303Present;

	private final List<ConfigurationPropertiesBindHandlerAdvisor> advisors;

	private volatile @Nullable Validator jsr303Validator;

	private volatile @Nullable CachedBinder cached;

	CandidateBinder(ConfigurableApplicationContext context) {
		this.context = context;
		this.conversionServices = deduceConversionServices(context);
		this.configurationPropertiesValidator = context.containsBean(EnableConfigurationProperties.VALIDATOR_BEAN_NAME)
				? context.getBean(EnableConfigurationProperties.VALIDATOR_BEAN_NAME, Validator.class) : null;
		this.jsr303Present = isJsr303Present(context.getClassLoader());
		this.advisors = context.getBeanProvider(ConfigurationPropertiesBindHandlerAdvisor.class)
			.orderedStream()
			.toList();
	}

	/**
	 * Return a binder over the given sources. The binder for the same sources object is
	 * kept: {@link CandidateSources} hands out the same object for as long as the
	 * {@code Environment}'s sources do not change, and its mounted source holds each new
	 * version in turn.
	 * @param sources the candidate property sources
	 * @return the binder
	 */
	Binder binderFor(PropertySources sources) {
		CachedBinder cached = this.cached;
		if (cached != null && cached.sources() == sources) {
			return cached.binder();
		}
		Consumer<PropertyEditorRegistry> editors = this.context.getBeanFactory()::copyRegisteredEditorsTo;
		Binder binder = new Binder(adapt(sources), new PropertySourcesPlaceholdersResolver(sources),
				this.conversionServices, editors, null, null);
		this.cached = new CachedBinder(sources, binder);
		return binder;
	}

	/*
	 * Adapt the candidate sources, reusing the {@code Environment}'s own adapters for the
	 * sources that did not change: each adapter caches the names of its source, and
	 * rebuilding those caches for every source at every reload cost more than the binding
	 * itself.
	 */
	private Iterable<ConfigurationPropertySource> adapt(PropertySources sources) {
		Map<Object, ConfigurationPropertySource> live = new IdentityHashMap<>();
		for (ConfigurationPropertySource adapted : ConfigurationPropertySources.get(this.context.getEnvironment())) {
			Object underlying = adapted.getUnderlyingSource();
			if (underlying != null) {
				live.put(underlying, adapted);
			}
		}
		List<ConfigurationPropertySource> adapted = new ArrayList<>();
		for (PropertySource<?> source : sources) {
			if (source.getSource() instanceof ConfigurableEnvironment) {
				// Nested environments are flattened by Spring Boot's own adaptation
				return ConfigurationPropertySources.from(sources);
			}
			if (source instanceof StubPropertySource
					|| ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
				continue;
			}
			ConfigurationPropertySource existing = live.get(source);
			if (existing != null) {
				adapted.add(existing);
				continue;
			}
			ConfigurationPropertySource created = ConfigurationPropertySource.from(source);
			if (created != null) {
				adapted
					.add((source instanceof PropertySourceInfo info) ? created.withPrefix(info.getPrefix()) : created);
			}
		}
		return adapted;
	}

	/**
	 * Bind the given instance, validating it like Spring Boot does.
	 * @param binder the binder from {@link #binderFor}
	 * @param bindTarget the bean's bind target
	 * @param instance the fresh instance to bind into
	 * @param annotation the {@code @ConfigurationProperties} annotation
	 */
	void bind(Binder binder, Bindable<?> bindTarget, Object instance, ConfigurationProperties annotation) {
		@SuppressWarnings("unchecked")
		Bindable<Object> target = ((Bindable<Object>) bindTarget).withExistingValue(instance);
		binder.bind(annotation.prefix(), target, bindHandler(target, annotation));
	}

	/**
	 * Create and bind a new instance of a constructor-bound bean (a value object),
	 * validating it like Spring Boot does.
	 * @param binder the binder from {@link #binderFor}
	 * @param bindTarget the bean's bind target, without an existing value
	 * @param annotation the {@code @ConfigurationProperties} annotation
	 * @return the new instance
	 */
	Object create(Binder binder, Bindable<?> bindTarget, ConfigurationProperties annotation) {
		return binder.bindOrCreate(annotation.prefix(), bindTarget, bindHandler(bindTarget, annotation));
	}

	private BindHandler bindHandler(Bindable<?> target, ConfigurationProperties annotation) {
		BindHandler handler = new IgnoreTopLevelConverterNotFoundBindHandler();
		handler = new ConfigurationPropertiesBindHandler(handler);
		if (annotation.ignoreInvalidFields()) {
			handler = new IgnoreErrorsBindHandler(handler);
		}
		if (!annotation.ignoreUnknownFields()) {
			handler = new NoUnboundElementsBindHandler(handler, new UnboundElementsSourceFilter());
		}
		List<Validator> validators = validators(target);
		if (!validators.isEmpty()) {
			handler = new ValidationBindHandler(handler, validators.toArray(new Validator[0]));
		}
		for (ConfigurationPropertiesBindHandlerAdvisor advisor : this.advisors) {
			handler = advisor.apply(handler);
		}
		return handler;
	}

	private List<Validator> validators(Bindable<?> target) {
		List<Validator> validators = new ArrayList<>(3);
		if (this.configurationPropertiesValidator != null) {
			validators.add(this.configurationPropertiesValidator);
		}
		Class<?> type = target.getType().resolve();
		if (this.jsr303Present && type != null && target.getAnnotation(Validated.class) != null) {
			validators.add(new TypeRestrictedValidator(jsr303Validator(), type));
		}
		if (target.getValue() != null && target.getValue().get() instanceof Validator self) {
			validators.add(self);
		}
		else if (target.getValue() == null && type != null && Validator.class.isAssignableFrom(type)) {
			validators.add(new SelfValidatingValueObjectValidator(type));
		}
		return validators;
	}

	private Validator jsr303Validator() {
		Validator validator = this.jsr303Validator;
		if (validator == null) {
			validator = Jsr303.create(this.context);
			this.jsr303Validator = validator;
		}
		return validator;
	}

	private static boolean isJsr303Present(@Nullable ClassLoader classLoader) {
		for (String name : JSR303_CLASSES) {
			if (!ClassUtils.isPresent(name, classLoader)) {
				return false;
			}
		}
		return true;
	}

	private static @Nullable List<ConversionService> deduceConversionServices(ConfigurableApplicationContext context) {
		String name = ConfigurableApplicationContext.CONVERSION_SERVICE_BEAN_NAME;
		if (context.containsBean(name) && context.getBeanFactory().isTypeMatch(name, ConversionService.class)) {
			return Collections.singletonList(context.getBean(name, ConversionService.class));
		}
		List<ConversionService> services = new ArrayList<>();
		FormattingConversionService beans = new FormattingConversionService();
		DefaultConversionService.addCollectionConverters(beans);
		beans.addConverter(new CharSequenceToObjectConverter(beans));
		boolean hasBeans = !ApplicationConversionService
			.addBeans(beans, context.getBeanFactory(), ConfigurationPropertiesBinding.VALUE)
			.isEmpty();
		if (hasBeans) {
			services.add(beans);
		}
		if (context.getBeanFactory().getConversionService() != null) {
			services.add(context.getBeanFactory().getConversionService());
		}
		if (hasBeans || services.isEmpty()) {
			services.add(ApplicationConversionService.getSharedInstance());
		}
		return services;
	}

	/**
	 * Keeps nested {@code @ConfigurationProperties} types from being bound from a single
	 * property, as Spring Boot does.
	 */
	private static final class ConfigurationPropertiesBindHandler extends AbstractBindHandler {

		ConfigurationPropertiesBindHandler(BindHandler parent) {
			super(parent);
		}

		@Override
		public <T> Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
			Class<?> type = target.getType().resolve();
			boolean nested = type != null && MergedAnnotations.from(type).isPresent(ConfigurationProperties.class);
			return nested ? target.withBindRestrictions(BindRestriction.NO_DIRECT_PROPERTY) : target;
		}

	}

	/**
	 * Applies the JSR-303 validator to the top-level type only; nested objects are
	 * validated through {@code @Valid}, as in Spring Boot.
	 */
	private record TypeRestrictedValidator(Validator delegate, Class<?> type) implements Validator {

		@Override
		public boolean supports(Class<?> clazz) {
			return this.type.equals(clazz) && this.delegate.supports(clazz);
		}

		@Override
		public void validate(Object target, org.springframework.validation.Errors errors) {
			this.delegate.validate(target, errors);
		}

	}

	/**
	 * Has a constructor-bound instance that is a {@link Validator} validate itself, as
	 * Spring Boot's {@code SelfValidatingConstructorBoundBindableValidator} does.
	 */
	private record SelfValidatingValueObjectValidator(Class<?> type) implements Validator {

		@Override
		public boolean supports(Class<?> candidate) {
			return candidate.isAssignableFrom(this.type);
		}

		@Override
		public void validate(Object target, org.springframework.validation.Errors errors) {
			((Validator) target).validate(target, errors);
		}

	}

	/**
	 * Isolates the Bean Validation classes, which are optional.
	 */
	private static final class Jsr303 {

		static Validator create(ConfigurableApplicationContext context) {
			LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
			validator.setApplicationContext(context);
			validator.setMessageInterpolator(new MessageInterpolatorFactory(context).getObject());
			validator.afterPropertiesSet();
			return validator;
		}

	}

	/**
	 * A binder and the sources it was built for.
	 */
	private record CachedBinder(PropertySources sources, Binder binder) {

	}

}
