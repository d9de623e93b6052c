package io.configlag.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.test.KubeletVolume;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Section 1, app-side lag: kubelet-style atomic swaps of a ConfigMap volume, each
 * carrying a {@link System#nanoTime()} stamp taken just before the write starts; a reader
 * thread per bean records when it first sees the stamp.
 *
 * @author The config-lag developers
 */
final class LagSection {

	static final String FILE = "application.properties";

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int FILLER_KEYS = 48;

	private LagSection() {
	}

	/**
	 * The initial content of the volume.
	 * @return the payload
	 */
	static Map<String, String> initialPayload() {
		return payload("initial", "initial");
	}

	static Map<String, String> payload(String stamp, String message) {
		StringBuilder content = new StringBuilder();
		content.append("bench.stamp=").append(stamp).append('\n');
		content.append("bench.message=").append(message).append('\n');
		for (int i = 0; i < FILLER_KEYS; i++) {
			content.append(String.format(Locale.ROOT, "filler.group-%02d.setting=value-%02d%n", i, i));
		}
		Map<String, String> payload = new LinkedHashMap<>();
		payload.put(FILE, content.toString());
		return payload;
	}

	static Result measure(ConfigurableApplicationContext context, KubeletVolume volume, int warmup, int updates) {
		LagApp.StampProperties properties = context.getBean(LagApp.StampProperties.class);
		LagApp.StampService service = context.getBean(LagApp.StampService.class);
		ReloadEvents events = context.getBean(ReloadEvents.class);
		long[] propertiesLag = new long[updates];
		long[] refreshScopeLag = new long[updates];
		long[] bothLag = new long[updates];
		long[] bothAfterWrite = new long[updates];
		long[] reload = new long[updates];
		long[] write = new long[updates];
		long[] cpu = new long[updates];
		ThreadCpu reloadThread = ThreadCpu.of(RefreshCostSection.RELOAD_THREAD);
		try (ValueReader propertiesReader = new ValueReader("properties", properties::getStamp);
				ValueReader refreshScopeReader = new ValueReader("refresh-scope", service::stamp)) {
			for (int i = 0; i < warmup + updates; i++) {
				events.clear();
				long startCpu = reloadThread.nanos();
				long stamp = System.nanoTime();
				String value = Long.toString(stamp);
				volume.write(payload(value, "update " + i));
				long written = System.nanoTime();
				long propertiesSeen = propertiesReader.awaitSeen(value, TIMEOUT);
				long refreshScopeSeen = refreshScopeReader.awaitSeen(value, TIMEOUT);
				ConfigReloadResult result = events.await((candidate) -> candidate.outcome() == ReloadOutcome.APPLIED
						&& candidate.changed().contains("bench.stamp"), TIMEOUT);
				long endCpu = reloadThread.nanos();
				if (i >= warmup) {
					int n = i - warmup;
					propertiesLag[n] = propertiesSeen - stamp;
					refreshScopeLag[n] = refreshScopeSeen - stamp;
					bothLag[n] = Math.max(propertiesSeen, refreshScopeSeen) - stamp;
					bothAfterWrite[n] = Math.max(propertiesSeen, refreshScopeSeen) - written;
					reload[n] = result.duration().toNanos();
					write[n] = written - stamp;
					cpu[n] = endCpu - startCpu;
				}
			}
		}
		return new Result(Samples.of(propertiesLag), Samples.of(refreshScopeLag), Samples.of(bothLag),
				Samples.of(bothAfterWrite), Samples.of(reload), Samples.of(cpu), Samples.of(write));
	}

	/**
	 * What one watch mode measured.
	 *
	 * @param properties lag until the {@code @ConfigurationProperties} bean showed the
	 * value
	 * @param refreshScope lag until the {@code @RefreshScope} bean showed the value
	 * @param both lag until both showed it
	 * @param bothAfterWrite the same, from the moment the fixture's write returned (a
	 * lower bound: the write returns after the rename, negative when the beans were
	 * faster than the fixture's clean-up)
	 * @param reload the starter's own reload duration ({@code ConfigReloadResult})
	 * @param reloadCpu CPU time of the reload thread per update
	 * @param write how long the kubelet fixture's write took (the stamp is taken before
	 * it)
	 */
	record Result(Samples properties, Samples refreshScope, Samples both, Samples bothAfterWrite, Samples reload,
			Samples reloadCpu, Samples write) {

	}

}
