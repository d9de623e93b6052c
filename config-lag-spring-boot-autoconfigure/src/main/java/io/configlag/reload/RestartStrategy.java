package io.configlag.reload;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadedEvent;
import io.configlag.autoconfigure.ConfigLagProperties.Strategy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Carries out {@code config.lag.strategy} when an applied change has keys that take
 * effect only after a restart ({@link io.configlag.ConfigReloadResult#restartKeys()}):
 * after a random delay up to {@code config.lag.restart-delay}, either marks the liveness
 * state {@link LivenessState#BROKEN broken} (so that the Kubernetes liveness probe on
 * {@code /actuator/health/liveness} restarts the pod) or restarts the context in process
 * ({@link ContextRestarter}: closes it and runs its {@code SpringApplication} again with
 * the same arguments; no actuator endpoint needed).
 *
 * @author The config-lag developers
 */
public final class RestartStrategy implements ApplicationListener<ConfigReloadedEvent> {

	private static final Log logger = LogFactory.getLog(RestartStrategy.class);

	private final ConfigurableApplicationContext context;

	private final Strategy strategy;

	private final Duration maxDelay;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	public RestartStrategy(ConfigurableApplicationContext context, Strategy strategy, Duration maxDelay) {
		this.context = context;
		this.strategy = strategy;
		this.maxDelay = maxDelay;
	}

	@Override
	public void onApplicationEvent(ConfigReloadedEvent event) {
		ConfigReloadResult result = event.getResult();
		if (this.strategy == Strategy.REFRESH || result.restartKeys().isEmpty()
				|| !this.scheduled.compareAndSet(false, true)) {
			return;
		}
		long delay = ThreadLocalRandom.current().nextLong(Math.max(0, this.maxDelay.toMillis()) + 1);
		logger.warn("Keys " + result.restartKeys() + " cannot be applied live; config.lag.strategy="
				+ this.strategy.name().toLowerCase() + " acts in " + delay + " ms");
		Thread thread = new Thread(() -> act(delay), "config-lag-restart");
		thread.setDaemon(true);
		thread.start();
	}

	private void act(long delay) {
		try {
			Thread.sleep(delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (!this.context.isActive()) {
			return;
		}
		if (this.strategy == Strategy.RESTART && restartInProcess()) {
			return;
		}
		logger.warn("Marking the application's liveness BROKEN so that it is restarted with the new configuration");
		AvailabilityChangeEvent.publish(this.context, this, LivenessState.BROKEN);
	}

	private boolean restartInProcess() {
		if (ContextRestarter.restart(this.context)) {
			return true;
		}
		logger.warn("config.lag.strategy=restart restarts an application started by SpringApplication, and this"
				+ " context was not; marking its liveness broken instead");
		return false;
	}

}
