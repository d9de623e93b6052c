package io.configlag.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.configlag.ConfigReloadResult;
import io.configlag.test.KubeletVolume;
import io.configlag.autoconfigure.MountedConfigProbe;
import io.configlag.ReloadOutcome;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.Assert;

/**
 * Section 3, scale: many keys in many files or in one file. Reload durations are the
 * starter's own ({@code ConfigReloadResult#duration()}: read, diff, bind, swap, refresh
 * scope, events) in a running application; read time and snapshot heap are measured on
 * the starter's reader outside the application.
 *
 * @author config-lag
 */
final class ScaleSection {

	/**
	 * Snapshots held live at once when measuring their retained heap.
	 */
	static final int HELD_SNAPSHOTS = 4;

	private ScaleSection() {
	}

	static String key(int index) {
		return String.format(Locale.ROOT, "scale.group-%04d.key-%d", index / 10, index % 10);
	}

	static String value(int index, int version) {
		return String.format(Locale.ROOT, "value-%05d-v%04d", index, version);
	}

	/**
	 * The payload of a layout: {@code keys} keys split over {@code files} properties
	 * files. Every value carries {@code version}, except that key 0 carries
	 * {@code firstKeyVersion}.
	 */
	static Map<String, String> payload(int keys, int files, int version, int firstKeyVersion) {
		int perFile = keys / files;
		Map<String, String> payload = new LinkedHashMap<>();
		for (int file = 0; file < files; file++) {
			StringBuilder content = new StringBuilder(perFile * 48);
			for (int i = file * perFile; i < (file + 1) * perFile; i++) {
				content.append(key(i)).append('=').append(value(i, (i == 0) ? firstKeyVersion : version)).append('\n');
			}
			String name = (files == 1) ? "scale.properties" : String.format(Locale.ROOT, "group-%04d.properties", file);
			payload.put(name, content.toString());
		}
		return payload;
	}

	static long rawBytes(Map<String, String> payload) {
		long bytes = 0;
		for (String content : payload.values()) {
			bytes += content.getBytes(StandardCharsets.UTF_8).length;
		}
		return bytes;
	}

	static Result measure(ConfigurableApplicationContext context, KubeletVolume volume, int keys, int files,
			int iterations) {
		ReloadEvents events = context.getBean(ReloadEvents.class);
		int warmup = Math.max(2, iterations / 2);
		// Switch the running application to this layout
		int version = 0;
		Map<String, String> payload = payload(keys, files, version, version);
		long raw = rawBytes(payload);
		events.clear();
		volume.write(payload);
		events.await((result) -> result.outcome() == ReloadOutcome.APPLIED, LagSection.TIMEOUT);
		// Reading alone: every file parsed, then the same files again by the same reader
		MountedConfigProbe probe = new MountedConfigProbe(volume.directory());
		long[][] read = timeReads(probe::readFresh, keys, warmup, iterations);
		probe.read();
		long[][] reread = timeReads(probe::read, keys, warmup, iterations);
		// Retained heap of a snapshot, and of a reader that holds its last read
		long perSnapshot = retainedEach(probe::readFresh);
		long perReader = retainedEach(probe::readerAfterOneRead);
		// Full reloads: every value changes
		ThreadCpu reloadThread = ThreadCpu.of(RefreshCostSection.RELOAD_THREAD);
		long[] full = new long[iterations];
		long[] fullCpu = new long[iterations];
		for (int i = 0; i < warmup + iterations; i++) {
			version++;
			events.clear();
			long startCpu = reloadThread.nanos();
			volume.write(payload(keys, files, version, version));
			ConfigReloadResult result = events.await((candidate) -> candidate.outcome() == ReloadOutcome.APPLIED,
					LagSection.TIMEOUT);
			long endCpu = reloadThread.nanos();
			Assert.state(result.changed().size() == keys, () -> "Expected every key to change, got "
					+ result.changed().size());
			if (i >= warmup) {
				full[i - warmup] = result.duration().toNanos();
				fullCpu[i - warmup] = endCpu - startCpu;
			}
		}
		// 1-key changes
		long[] oneKey = new long[iterations];
		long[] oneKeyCpu = new long[iterations];
		for (int i = 0; i < warmup + iterations; i++) {
			events.clear();
			long startCpu = reloadThread.nanos();
			volume.write(payload(keys, files, version, version + 1 + i));
			ConfigReloadResult result = events.await((candidate) -> candidate.outcome() == ReloadOutcome.APPLIED,
					LagSection.TIMEOUT);
			long endCpu = reloadThread.nanos();
			Assert.state(result.keys().equals(Set.of(key(0))),
					() -> "Expected a 1-key change, got " + result.keys().size() + " keys");
			if (i >= warmup) {
				oneKey[i - warmup] = result.duration().toNanos();
				oneKeyCpu[i - warmup] = endCpu - startCpu;
			}
		}
		return new Result(keys, files, raw, Samples.of(read[0]), Samples.of(read[1]), Samples.of(reread[1]),
				Samples.of(full), Samples.of(fullCpu), Samples.of(oneKey), Samples.of(oneKeyCpu), perSnapshot,
				perReader);
	}

	/**
	 * Time reads on the calling thread.
	 * @return wall times and CPU times of the measured reads
	 */
	private static long[][] timeReads(Supplier<Object> reads, int keys, int warmup, int iterations) {
		long[] wall = new long[iterations];
		long[] cpu = new long[iterations];
		ThreadCpu main = ThreadCpu.current();
		for (int i = 0; i < warmup + iterations; i++) {
			long startCpu = main.nanos();
			long start = System.nanoTime();
			Object snapshot = reads.get();
			long end = System.nanoTime();
			long endCpu = main.nanos();
			Assert.state(MountedConfigProbe.keys(snapshot) == keys, "Unexpected number of keys");
			if (i >= warmup) {
				wall[i - warmup] = end - start;
				cpu[i - warmup] = endCpu - startCpu;
			}
		}
		return new long[][] { wall, cpu };
	}

	/**
	 * Return the heap retained by each of {@link #HELD_SNAPSHOTS} objects made by the
	 * given factory and held live together.
	 */
	private static long retainedEach(Supplier<Object> factory) {
		List<Object> held = new ArrayList<>(HELD_SNAPSHOTS);
		long before = usedHeapAfterGc();
		for (int i = 0; i < HELD_SNAPSHOTS; i++) {
			held.add(factory.get());
		}
		long after = usedHeapAfterGc();
		Reference.reachabilityFence(held);
		return (after - before) / HELD_SNAPSHOTS;
	}

	/**
	 * Return the used heap after full collections, once it stopped shrinking.
	 */
	static long usedHeapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 10; i++) {
			System.gc();
			long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			if (now >= used - 64 * 1024) {
				return Math.min(now, used);
			}
			used = now;
		}
		return used;
	}

	/**
	 * What one layout measured.
	 *
	 * @param keys the number of keys
	 * @param files the number of files
	 * @param rawBytes the size of the files
	 * @param read {@code MountedConfigReader#read()} alone
	 * @param readCpu its CPU time
	 * @param rereadCpu CPU time of {@code read()} by the same reader when nothing changed
	 * @param full reloads in which every value changed
	 * @param fullCpu their CPU time on the reload thread
	 * @param oneKey reloads in which one value changed
	 * @param oneKeyCpu their CPU time on the reload thread
	 * @param snapshotBytes retained heap of one snapshot
	 * @param readerBytes retained heap of a reader after one read: the snapshot and what the
	 * reader keeps to parse only the changed lines next time
	 */
	record Result(int keys, int files, long rawBytes, Samples read, Samples readCpu, Samples rereadCpu, Samples full,
			Samples fullCpu, Samples oneKey, Samples oneKeyCpu, long snapshotBytes, long readerBytes) {

		double heapRatio() {
			return (double) this.snapshotBytes / this.rawBytes;
		}

	}

}
