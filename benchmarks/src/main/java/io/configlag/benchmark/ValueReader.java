package io.configlag.benchmark;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A thread that reads a bean's value the way application code would, every
 * {@value #READ_INTERVAL_NANOS} ns, and records when it first saw each value. It parks
 * between reads instead of spinning so that, on a small machine, it does not take the CPU
 * away from the reload it measures.
 *
 * @author The config-lag developers
 */
final class ValueReader implements AutoCloseable {

	static final long READ_INTERVAL_NANOS = 50_000;

	private final Supplier<String> source;

	private final Map<String, Long> seenAt = new ConcurrentHashMap<>();

	private final Thread thread;

	private volatile boolean running = true;

	private volatile @Nullable RuntimeException failure;

	ValueReader(String name, Supplier<String> source) {
		this.source = source;
		this.thread = new Thread(this::run, "benchmark-reader-" + name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		String last = null;
		while (this.running) {
			try {
				String value = this.source.get();
				if (!value.equals(last)) {
					this.seenAt.put(value, System.nanoTime());
					last = value;
				}
			}
			catch (RuntimeException ex) {
				this.failure = ex;
				return;
			}
			LockSupport.parkNanos(READ_INTERVAL_NANOS);
		}
	}

	/**
	 * Wait until the reader has seen the value.
	 * @param value the value
	 * @param timeout how long to wait at most
	 * @return the {@link System#nanoTime()} at which it was first seen
	 */
	long awaitSeen(String value, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (;;) {
			Long seen = this.seenAt.remove(value);
			if (seen != null) {
				return seen;
			}
			if (this.failure != null) {
				throw new IllegalStateException("Reader " + this.thread.getName() + " failed", this.failure);
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(
						"Reader " + this.thread.getName() + " did not see '" + value + "' within " + timeout);
			}
			LockSupport.parkNanos(100_000);
		}
	}

	@Override
	public void close() {
		this.running = false;
		try {
			this.thread.join(5_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
