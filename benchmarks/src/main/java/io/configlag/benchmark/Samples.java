package io.configlag.benchmark;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measured durations, in nanoseconds, with nearest-rank percentiles.
 *
 * @author The config-lag developers
 */
public final class Samples {

	private final long[] sorted;

	private Samples(long[] values) {
		this.sorted = values.clone();
		Arrays.sort(this.sorted);
	}

	/**
	 * Samples of the given durations.
	 * @param nanos durations in nanoseconds
	 * @return the samples
	 */
	public static Samples of(long[] nanos) {
		return new Samples(nanos);
	}

	/**
	 * Return the number of samples.
	 * @return the count
	 */
	public int count() {
		return this.sorted.length;
	}

	/**
	 * Return a nearest-rank percentile.
	 * @param percent the percentile, 0 to 100
	 * @return the value in nanoseconds
	 */
	public long percentile(double percent) {
		if (this.sorted.length == 0) {
			throw new IllegalStateException("No samples");
		}
		int rank = (int) Math.ceil(percent / 100.0 * this.sorted.length);
		return this.sorted[Math.max(0, Math.min(this.sorted.length - 1, rank - 1))];
	}

	/**
	 * Return the median.
	 * @return the median in nanoseconds
	 */
	public long median() {
		return percentile(50);
	}

	/**
	 * Return the largest sample.
	 * @return the maximum in nanoseconds
	 */
	public long max() {
		return this.sorted[this.sorted.length - 1];
	}

	/**
	 * Format nanoseconds as milliseconds.
	 * @param nanos a duration in nanoseconds
	 * @return the duration in milliseconds, for example {@code 1.23}
	 */
	public static String millis(long nanos) {
		double ms = nanos / 1_000_000.0;
		return String.format(Locale.ROOT, (ms < 10) ? "%.2f" : (ms < 100) ? "%.1f" : "%.0f", ms);
	}

	/**
	 * Return p50 / p90 / p99 / max in milliseconds.
	 * @return the summary
	 */
	public String summary() {
		return millis(percentile(50)) + " / " + millis(percentile(90)) + " / " + millis(percentile(99)) + " / "
				+ millis(max());
	}

}
