package io.configlag.benchmark;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadedEvent;

import org.springframework.context.ApplicationListener;

/**
 * Collects the starter's {@link ConfigReloadedEvent}s.
 *
 * @author The config-lag developers
 */
public class ReloadEvents implements ApplicationListener<ConfigReloadedEvent> {

	private final LinkedBlockingQueue<ConfigReloadResult> results = new LinkedBlockingQueue<>();

	private final AtomicLong count = new AtomicLong();

	@Override
	public void onApplicationEvent(ConfigReloadedEvent event) {
		this.count.incrementAndGet();
		this.results.add(event.getResult());
	}

	/**
	 * Return how many reloads were published so far.
	 * @return the count
	 */
	public long count() {
		return this.count.get();
	}

	/**
	 * Forget the reloads received so far.
	 */
	public void clear() {
		this.results.clear();
	}

	/**
	 * Wait for a reload that matches, skipping the others.
	 * @param condition the reload to wait for
	 * @param timeout how long to wait at most
	 * @return the matching result
	 * @throws IllegalStateException if none arrived in time
	 */
	public ConfigReloadResult await(Predicate<ConfigReloadResult> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			for (;;) {
				long left = deadline - System.nanoTime();
				ConfigReloadResult result = (left > 0) ? this.results.poll(left, TimeUnit.NANOSECONDS) : null;
				if (result == null) {
					throw new IllegalStateException("No matching config reload within " + timeout);
				}
				if (condition.test(result)) {
					return result;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
