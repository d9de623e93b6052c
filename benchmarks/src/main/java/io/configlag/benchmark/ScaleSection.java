package io.configlag.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import io.configlag.test.KubeletVolume;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.Assert;

/**
 * Section 3, scale: many keys in many files or in one file. Reload durations are the
 * starter's own ({@code ConfigReloadResult#duration()}: read, diff, bind, swap, refresh
 * scope, events) in a running application; next to them, Spring Boot's own loader on
 * every file (the parse a first read cannot avoid) and a reload of the unchanged volume
 * through {@link ConfigReloadService#reload()}.
 *
 * @author The config-lag developers
 */
final class ScaleSection {

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
	 * @param keys the keys
	 * @param files the files
	 * @param version the version
	 * @param firstKeyVersion the first key version
	 * @return the map
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
		ConfigReloadService service = context.getBean(ConfigReloadService.class);
		int warmup = Math.max(2, iterations / 2);
		// Switch the running application to this layout
		int version = 0;
		Map<String, String> payload = payload(keys, files, version, version);
		long raw = rawBytes(payload);
		events.clear();
		volume.write(payload);
		events.await((result) -> result.outcome() == ReloadOutcome.APPLIED, LagSection.TIMEOUT);
		// Boot's own loader on every file: the parse no reader can avoid on a first read
		ThreadCpu main = ThreadCpu.current();
		ThreadCpu reloadThread = ThreadCpu.of(RefreshCostSection.RELOAD_THREAD);
		long[] load = new long[iterations];
		long[] loadCpu = new long[iterations];
		for (int i = 0; i < warmup + iterations; i++) {
			long startCpu = main.nanos();
			long start = System.nanoTime();
			int loaded = BootCost.loadAll(volume, payload.keySet());
			long end = System.nanoTime();
			long endCpu = main.nanos();
			Assert.state(loaded == keys, () -> "Boot's loader found " + loaded + " keys, expected " + keys);
			if (i >= warmup) {
				load[i - warmup] = end - start;
				loadCpu[i - warmup] = endCpu - startCpu;
			}
		}
		// A reload of the unchanged volume, through the public service
		long[] unchangedCpu = new long[iterations];
		for (int i = 0; i < warmup + iterations; i++) {
			long startCpu = main.nanos() + reloadThread.nanos();
			ConfigReloadResult result = service.reload();
			long endCpu = main.nanos() + reloadThread.nanos();
			Assert.state(result.outcome() == ReloadOutcome.UNCHANGED, () -> "Expected no change, got " + result);
			if (i >= warmup) {
				unchangedCpu[i - warmup] = endCpu - startCpu;
			}
		}
		// Full reloads: every value changes
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
			Assert.state(result.changed().size() == keys,
					() -> "Expected every key to change, got " + result.changed().size());
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
		return new Result(keys, files, raw, Samples.of(load), Samples.of(loadCpu), Samples.of(unchangedCpu),
				Samples.of(full), Samples.of(fullCpu), Samples.of(oneKey), Samples.of(oneKeyCpu));
	}

	/**
	 * What one layout measured.
	 *
	 * @param keys the number of keys
	 * @param files the number of files
	 * @param rawBytes the size of the files
	 * @param bootLoad Spring Boot's {@code PropertiesPropertySourceLoader} on every file
	 * @param bootLoadCpu its CPU time
	 * @param unchangedCpu CPU time of {@code ConfigReloadService.reload()} when nothing
	 * changed (calling thread and reload thread)
	 * @param full reloads in which every value changed
	 * @param fullCpu their CPU time on the reload thread
	 * @param oneKey reloads in which one value changed
	 * @param oneKeyCpu their CPU time on the reload thread
	 */
	record Result(int keys, int files, long rawBytes, Samples bootLoad, Samples bootLoadCpu, Samples unchangedCpu,
			Samples full, Samples fullCpu, Samples oneKey, Samples oneKeyCpu) {

	}

}
