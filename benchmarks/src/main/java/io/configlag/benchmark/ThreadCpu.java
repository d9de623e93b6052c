package io.configlag.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of one thread, which, unlike wall time, does not grow when other processes
 * compete for the machine's CPUs.
 *
 * @author The config-lag developers
 */
final class ThreadCpu {

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final long threadId;

	private ThreadCpu(long threadId) {
		this.threadId = threadId;
	}

	/**
	 * The live thread with the given name.
	 * @param name the thread name
	 * @return its CPU clock
	 * @throws IllegalStateException if there is no such thread or CPU time is not
	 * supported
	 */
	static ThreadCpu of(String name) {
		if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
			throw new IllegalStateException("Thread CPU time is not available");
		}
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals(name)) {
				return new ThreadCpu(thread.getId());
			}
		}
		throw new IllegalStateException("No thread named " + name);
	}

	/**
	 * The calling thread.
	 * @return its CPU clock
	 */
	static ThreadCpu current() {
		return new ThreadCpu(Thread.currentThread().getId());
	}

	/**
	 * Return the CPU time the thread used so far.
	 * @return nanoseconds
	 */
	long nanos() {
		return threads.getThreadCpuTime(this.threadId);
	}

}
