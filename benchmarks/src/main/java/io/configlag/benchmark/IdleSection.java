package io.configlag.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.configlag.ReloadOutcome;
import io.configlag.test.KubeletVolume;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Section 4, idle cost: what the starter does while nothing changes. File reads are
 * counted with JFR's {@code jdk.FileRead} events (every read through a
 * {@code FileInputStream}, {@code RandomAccessFile} or {@code FileChannel}, whatever the
 * thread, no threshold); the counter is checked by one real update at the end of the
 * window, which must show reads. In polling mode the system calls of the reload thread
 * are traced with {@code strace} when it is available.
 *
 * @author The config-lag developers
 */
final class IdleSection {

	private static final String RELOAD_THREAD = "config-lag-reload";

	private static final String TIMED_WAIT = "futex (timed out)";

	private IdleSection() {
	}

	static Result measure(ConfigurableApplicationContext context, KubeletVolume volume, Duration window,
			Duration pollInterval, boolean polling) throws IOException {
		ReloadEvents events = context.getBean(ReloadEvents.class);
		Path volumeRoot = volume.directory().toRealPath();
		Path dump = Files.createTempFile("config-lag-idle", ".jfr");
		try (Recording recording = new Recording()) {
			recording.enable("jdk.FileRead").withoutThreshold().withStackTrace();
			recording.start();
			long reloadsBefore = events.count();
			Instant windowStart = Instant.now();
			SyscallTrace trace = polling ? SyscallTrace.start(RELOAD_THREAD) : null;
			park(window);
			Instant windowEnd = Instant.now();
			Map<String, Integer> syscalls = (trace != null) ? trace.stop() : null;
			long reloads = events.count() - reloadsBefore;
			// Counter check: one real update must show up as reads
			events.clear();
			volume.write(LagSection.payload("idle-check", "idle-check"));
			events.await((result) -> result.outcome() == ReloadOutcome.APPLIED, LagSection.TIMEOUT);
			recording.stop();
			recording.dump(dump);
			int idleReads = 0;
			int checkReads = 0;
			for (RecordedEvent event : RecordingFile.readAllEvents(dump)) {
				if (!event.getEventType().getName().equals("jdk.FileRead")) {
					// Another recording of this JVM (for example a profile) shares the
					// file
					continue;
				}
				String path = event.getString("path");
				boolean ours = (path != null && Path.of(path).startsWith(volumeRoot)) || isStarterThread(event);
				if (!ours) {
					continue;
				}
				if (event.getStartTime().isBefore(windowEnd) && !event.getStartTime().isBefore(windowStart)) {
					idleReads++;
				}
				else if (!event.getStartTime().isBefore(windowEnd)) {
					checkReads++;
				}
			}
			Duration traced = (trace != null) ? trace.duration() : Duration.ZERO;
			return new Result(Duration.between(windowStart, windowEnd), idleReads, reloads, checkReads, syscalls,
					(trace != null) ? trace.error() : null, traced, pollInterval);
		}
		finally {
			Files.deleteIfExists(dump);
		}
	}

	private static boolean isStarterThread(RecordedEvent event) {
		return event.getThread() != null && event.getThread().getJavaName() != null
				&& event.getThread().getJavaName().startsWith("config-lag");
	}

	static void park(Duration duration) {
		long deadline = System.nanoTime() + duration.toNanos();
		for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	/**
	 * What one idle window measured.
	 *
	 * @param window the length of the window
	 * @param reads file reads of the watched volume (or by the starter's threads) in it
	 * @param reloads reloads in it
	 * @param checkReads file reads of the one update after it (counter check)
	 * @param syscalls system calls of the reload thread by name, when traced
	 * @param traceError why the system calls were not traced
	 * @param traced how long the system calls were traced
	 * @param pollInterval the poll interval
	 */
	record Result(Duration window, int reads, long reloads, int checkReads, @Nullable Map<String, Integer> syscalls,
			@Nullable String traceError, Duration traced, Duration pollInterval) {

		String perPoll() {
			if (this.syscalls == null) {
				return "not traced (" + this.traceError + ")";
			}
			// Each poll follows one timed wait of the scheduler (futex ... ETIMEDOUT)
			int timedWaits = this.syscalls.getOrDefault(TIMED_WAIT, 0);
			double polls = (timedWaits > 0) ? timedWaits : (double) this.traced.toNanos() / this.pollInterval.toNanos();
			StringBuilder result = new StringBuilder();
			this.syscalls.forEach((name, count) -> {
				if (!name.startsWith("futex") && !name.equals("restart_syscall") && count / polls >= 0.05) {
					result.append((result.length() > 0) ? ", " : "")
						.append(name)
						.append(' ')
						.append(String.format(Locale.ROOT, "%.2f", count / polls));
				}
			});
			return result + String.format(Locale.ROOT,
					" (strace of the poll thread: %.0f polls in %d ms, counted as timed-out waits; futex parking"
							+ " excluded)",
					polls, this.traced.toMillis());
		}

	}

	/**
	 * {@code strace} attached to one thread of this JVM.
	 */
	static final class SyscallTrace {

		private final @Nullable Process process;

		private final @Nullable Path output;

		private final long started;

		private long stopped;

		private final @Nullable String error;

		private SyscallTrace(@Nullable Process process, @Nullable Path output, @Nullable String error) {
			this.process = process;
			this.output = output;
			this.error = error;
			this.started = System.nanoTime();
		}

		static SyscallTrace start(String threadName) {
			try {
				String tid = findThread(threadName);
				if (tid == null) {
					return new SyscallTrace(null, null, "thread " + threadName + " not found");
				}
				Path output = Files.createTempFile("config-lag-strace", ".txt");
				Process process = new ProcessBuilder("strace", "-qq", "-o", output.toString(), "-p", tid)
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				// Let it attach
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
				while (Files.size(output) == 0 && process.isAlive() && System.nanoTime() < deadline) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				}
				if (!process.isAlive()) {
					return new SyscallTrace(null, output, "strace exited with " + process.exitValue());
				}
				return new SyscallTrace(process, output, null);
			}
			catch (IOException ex) {
				return new SyscallTrace(null, null, "strace not available");
			}
		}

		@Nullable Map<String, Integer> stop() {
			this.stopped = System.nanoTime();
			if (this.process == null) {
				return null;
			}
			try {
				this.process.destroy();
				this.process.waitFor(5, TimeUnit.SECONDS);
				Map<String, Integer> counts = new TreeMap<>();
				List<String> lines = Files.readAllLines(this.output, StandardCharsets.UTF_8);
				// The first line may be the system call that was in progress when strace
				// attached
				for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
					int paren = line.indexOf('(');
					if (paren > 0 && !line.startsWith("+++") && !line.startsWith("---")) {
						String name = line.substring(0, paren).trim();
						counts.merge((name.equals("futex") && line.contains("ETIMEDOUT")) ? TIMED_WAIT : name, 1,
								Integer::sum);
					}
				}
				return counts;
			}
			catch (IOException ex) {
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
			finally {
				try {
					Files.deleteIfExists(this.output);
				}
				catch (IOException ex) {
					// Ignore
				}
			}
		}

		String error() {
			return (this.error != null) ? this.error : "strace failed";
		}

		Duration duration() {
			return Duration.ofNanos(this.stopped - this.started);
		}

		private static @Nullable String findThread(String threadName) throws IOException {
			String comm = (threadName.length() > 15) ? threadName.substring(0, 15) : threadName;
			Path tasks = Path.of("/proc/self/task");
			if (!Files.isDirectory(tasks)) {
				return null;
			}
			try (var stream = Files.list(tasks)) {
				for (Path task : (Iterable<Path>) stream::iterator) {
					try {
						if (Files.readString(task.resolve("comm")).trim().equals(comm)) {
							return task.getFileName().toString();
						}
					}
					catch (IOException ex) {
						// The thread ended
					}
				}
			}
			return null;
		}

	}

}
