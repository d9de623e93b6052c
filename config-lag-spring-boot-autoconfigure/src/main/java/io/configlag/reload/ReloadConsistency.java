package io.configlag.reload;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps what is built from the configuration on one version. A reload publishes the new
 * version and moves the new state into the {@code @ConfigurationProperties} beans
 * {@link #exclusively exclusively}; whatever is built from the configuration
 * {@link #shared shared} (Spring Cloud's refresh-scoped beans, see
 * {@code io.configlag.cloud.ConsistentRefreshScope}) therefore never reads values that
 * straddle two versions.
 *
 * @author The config-lag developers
 */
public final class ReloadConsistency {

	private final ReadWriteLock lock = new ReentrantReadWriteLock();

	/**
	 * Run the given action exclusively: nothing is being built {@link #shared shared}
	 * meanwhile.
	 * @param action the action
	 */
	public void exclusively(Runnable action) {
		this.lock.writeLock().lock();
		try {
			action.run();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Run the given action while no version is being published.
	 * @param <T> the type of the result
	 * @param action the action
	 * @return the result of the action
	 */
	public <T> T shared(Supplier<T> action) {
		this.lock.readLock().lock();
		try {
			return action.get();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

}
