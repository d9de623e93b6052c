package io.configlag.benchmark;

import java.lang.invoke.MethodHandles;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.asm.AnnotationVisitor;
import org.springframework.asm.ClassWriter;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;

/**
 * Registers {@code benchmark.generated.properties-beans} {@code @ConfigurationProperties}
 * beans and {@code benchmark.generated.refresh-beans} {@code @RefreshScope} beans. Each
 * properties bean is an instance of its own subclass of {@link GeneratedProperties},
 * generated at run time and annotated {@code @ConfigurationProperties("svc-NNN")}, so
 * that Spring Boot binds it exactly like a hand-written class. Each refresh-scoped bean
 * is a scoped proxy, as {@code @RefreshScope} declares it, whose target reads
 * {@code rs-NNN.message} from the {@code Environment} when the scope creates it.
 *
 * @author The config-lag developers
 */
public class GeneratedBeans implements BeanDefinitionRegistryPostProcessor, PriorityOrdered, EnvironmentAware {

	static final String PROPERTIES_BEANS = "benchmark.generated.properties-beans";

	static final String REFRESH_BEANS = "benchmark.generated.refresh-beans";

	private static final Map<Integer, Class<? extends GeneratedProperties>> classes = new ConcurrentHashMap<>();

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		// Before RefreshScope's own post-processing, so that it locks our scoped proxies
		// like those of @RefreshScope beans
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		int propertiesBeans = this.environment.getProperty(PROPERTIES_BEANS, Integer.class, 0);
		for (int i = 0; i < propertiesBeans; i++) {
			registry.registerBeanDefinition(propertiesBeanName(i), new RootBeanDefinition(propertiesClass(i)));
		}
		int refreshBeans = this.environment.getProperty(REFRESH_BEANS, Integer.class, 0);
		for (int i = 0; i < refreshBeans; i++) {
			String key = refreshKey(i);
			RootBeanDefinition target = new RootBeanDefinition(RefreshScopedService.class,
					() -> new RefreshScopedService(this.environment.getProperty(key, "none")));
			target.setScope("refresh");
			BeanDefinitionHolder proxy = ScopedProxyUtils
				.createScopedProxy(new BeanDefinitionHolder(target, refreshBeanName(i)), registry, true);
			registry.registerBeanDefinition(proxy.getBeanName(), proxy.getBeanDefinition());
		}
	}

	static String prefix(int index) {
		return String.format(Locale.ROOT, "svc-%03d", index);
	}

	static String propertiesBeanName(int index) {
		return prefix(index) + "-properties";
	}

	static String refreshKey(int index) {
		return String.format(Locale.ROOT, "rs-%03d.message", index);
	}

	static String refreshBeanName(int index) {
		return String.format(Locale.ROOT, "rs-%03d-service", index);
	}

	static Class<? extends GeneratedProperties> propertiesClass(int index) {
		return classes.computeIfAbsent(index, GeneratedBeans::define);
	}

	/*
	 * Define {@code public class GeneratedProperties_NNN extends GeneratedProperties}
	 * with {@code @ConfigurationProperties(prefix = "svc-NNN")} and a public no-arg
	 * constructor.
	 */
	private static Class<? extends GeneratedProperties> define(int index) {
		String superName = GeneratedProperties.class.getName().replace('.', '/');
		String name = superName + String.format(Locale.ROOT, "_%03d", index);
		ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
		writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, null);
		AnnotationVisitor annotation = writer
			.visitAnnotation("L" + ConfigurationProperties.class.getName().replace('.', '/') + ";", true);
		annotation.visit("prefix", prefix(index));
		annotation.visitEnd();
		MethodVisitor constructor = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
		constructor.visitCode();
		constructor.visitVarInsn(Opcodes.ALOAD, 0);
		constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
		constructor.visitInsn(Opcodes.RETURN);
		constructor.visitMaxs(0, 0);
		constructor.visitEnd();
		writer.visitEnd();
		try {
			Class<?> type = MethodHandles.lookup().defineClass(writer.toByteArray());
			Assert.state(GeneratedProperties.class.isAssignableFrom(type), "Unexpected class " + type);
			return type.asSubclass(GeneratedProperties.class);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
