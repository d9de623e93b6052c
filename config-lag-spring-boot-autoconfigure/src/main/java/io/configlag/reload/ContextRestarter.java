package io.configlag.reload;

import java.util.Arrays;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Restarts an application context in process, as Spring Cloud's {@code RestartEndpoint}
 * does, without needing that endpoint to be enabled and exposed: closes the context, then
 * runs its {@link SpringApplication} again with the same arguments, so that the new
 * context reads the mounted configuration afresh.
 * <p>
 * Registered in {@code META-INF/spring.factories}, it sees the
 * {@link ApplicationPreparedEvent} of each run of a {@code SpringApplication} and
 * registers, in the prepared context, a restarter that holds the application and its
 * arguments ({@link #restart(ConfigurableApplicationContext)} finds it there). A context
 * that was not started by a {@code SpringApplication} has none. Unlike Spring Cloud's
 * endpoint, the new run builds a new {@code Environment} instead of reusing the closed
 * context's.
 *
 * @author The config-lag developers
 */
public final class ContextRestarter implements ApplicationListener<ApplicationPreparedEvent> {

	private static final Log logger = LogFactory.getLog(ContextRestarter.class);

	static final String BEAN_NAME = "configLagContextRestarter";

	private final @Nullable SpringApplication application;

	private final String[] args;

	private final @Nullable ConfigurableApplicationContext context;

	/**
	 * Create the listener that {@code SpringApplication} loads from
	 * {@code spring.factories}.
	 */
	public ContextRestarter() {
		this(null, new String[0], null);
	}

	private ContextRestarter(@Nullable SpringApplication application, String[] args,
			@Nullable ConfigurableApplicationContext context) {
		this.application = application;
		this.args = args;
		this.context = context;
	}

	@Override
	public void onApplicationEvent(ApplicationPreparedEvent event) {
		ConfigurableApplicationContext prepared = event.getApplicationContext();
		if (this.application == null && !prepared.getBeanFactory().containsSingleton(BEAN_NAME)) {
			String[] args = Arrays.copyOf(event.getArgs(), event.getArgs().length);
			prepared.getBeanFactory()
				.registerSingleton(BEAN_NAME, new ContextRestarter(event.getSpringApplication(), args, prepared));
		}
	}

	/**
	 * Restart the given context on a new non-daemon thread (so that the JVM does not exit
	 * between closing the context and starting the new one), if it was started by a
	 * {@code SpringApplication}.
	 * @param context the context
	 * @return whether the restart was started
	 */
	static boolean restart(ConfigurableApplicationContext context) {
		Object restarter = context.getBeanFactory().getSingleton(BEAN_NAME);
		if (!(restarter instanceof ContextRestarter contextRestarter) || contextRestarter.application == null) {
			return false;
		}
		Thread thread = new Thread(contextRestarter::run, "config-lag-restart");
		thread.setDaemon(false);
		thread.setContextClassLoader(contextRestarter.application.getClassLoader());
		thread.start();
		return true;
	}

	private void run() {
		SpringApplication application = this.application;
		ConfigurableApplicationContext context = this.context;
		if (application == null || context == null) {
			return;
		}
		logger.warn("Restarting the application context with the new configuration");
		try {
			context.close();
			application.run(this.args);
		}
		catch (RuntimeException ex) {
			logger.error("Failed to restart the application context", ex);
		}
	}

}
