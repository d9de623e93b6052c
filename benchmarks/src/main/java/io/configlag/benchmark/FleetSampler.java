package io.configlag.benchmark;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Samples the health of every instance of a fleet on one thread, every few milliseconds,
 * and keeps the largest number of instances down at the same sample and the time each
 * instance spent down.
 *
 * @author The config-lag developers
 */
final class FleetSampler implements AutoCloseable {

	private static final long INTERVAL_MILLIS = 5;

	private final List<BooleanSupplier> up;

	private final long[] downSince;

	private final long[] downNanos;

	private final Thread thread;

	private volatile boolean running = true;

	private volatile int maxDown;

	FleetSampler(List<BooleanSupplier> up) {
		this.up = up;
		this.downSince = new long[up.size()];
		this.downNanos = new long[up.size()];
		this.thread = new Thread(this::run, "fleet-sampler");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		while (this.running) {
			long now = System.nanoTime();
			int down = 0;
			for (int i = 0; i < this.up.size(); i++) {
				boolean up = this.up.get(i).getAsBoolean();
				if (!up) {
					down++;
					if (this.downSince[i] == 0) {
						this.downSince[i] = now;
					}
				}
				else if (this.downSince[i] != 0) {
					this.downNanos[i] += now - this.downSince[i];
					this.downSince[i] = 0;
				}
			}
			this.maxDown = Math.max(this.maxDown, down);
			try {
				Thread.sleep(INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Return the number of instances down now.
	 * @return the number
	 */
	int downNow() {
		int down = 0;
		for (BooleanSupplier up : this.up) {
			down += up.getAsBoolean() ? 0 : 1;
		}
		return down;
	}

	/**
	 * Stop sampling and return what was seen; an instance still down counts until now.
	 * @return the largest number down at once and the time each was down, in ms
	 */
	Result stop() {
		this.running = false;
		try {
			this.thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		long now = System.nanoTime();
		long[] millis = new long[this.downNanos.length];
		for (int i = 0; i < millis.length; i++) {
			long nanos = this.downNanos[i] + ((this.downSince[i] != 0) ? now - this.downSince[i] : 0);
			millis[i] = nanos / 1_000_000;
		}
		return new Result(this.maxDown, millis);
	}

	@Override
	public void close() {
		this.running = false;
	}

	/**
	 * What the sampler saw.
	 *
	 * @param maxDown the largest number of instances down at the same sample
	 * @param downMillis the time each instance was down, in ms
	 */
	record Result(int maxDown, long[] downMillis) {

	}

}
