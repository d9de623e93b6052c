package io.configlag.benchmark;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.test.KubeletVolume;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.Assert;

/**
 * Section 2, refresh cost: the same 1-key change to the same application, applied once by
 * the starter and once through Spring Cloud's {@link ContextRefresher#refresh()} (what
 * {@code /actuator/refresh} does).
 *
 * @author The config-lag developers
 */
final class RefreshCostSection {

	/**
	 * How the ConfigMap's file is written.
	 */
	enum Format {

		/**
		 * {@code application.properties}.
		 */
		PROPERTIES("application.properties"),

		/**
		 * {@code application.yaml}, the same keys nested.
		 */
		YAML("application.yaml");

		private final String file;

		Format(String file) {
			this.file = file;
		}

		String file() {
			return this.file;
		}

	}

	static final String RELOAD_THREAD = "config-lag-reload";

	private RefreshCostSection() {
	}

	static int changedBean(int propertiesBeans) {
		return Math.min(7, propertiesBeans - 1);
	}

	static String changedKey(int propertiesBeans) {
		return GeneratedBeans.prefix(changedBean(propertiesBeans)) + ".value";
	}

	/**
	 * The whole ConfigMap: three keys per properties bean, one per refresh-scoped bean;
	 * only the changed bean's {@code value} depends on the version.
	 * @param version the version
	 * @param format the format
	 * @param propertiesBeans the number of @ConfigurationProperties beans
	 * @param refreshBeans the number of @RefreshScope beans
	 * @return the measurements
	 */
	static Map<String, String> payload(Format format, int propertiesBeans, int refreshBeans, int version) {
		StringBuilder content = new StringBuilder();
		int changed = changedBean(propertiesBeans);
		for (int i = 0; i < propertiesBeans; i++) {
			String prefix = GeneratedBeans.prefix(i);
			String value = (i == changed) ? "v" + version : "value of " + prefix;
			if (format == Format.YAML) {
				content.append(prefix).append(":\n");
				content.append("  value: ").append(value).append('\n');
				content.append("  count: ").append(i).append('\n');
				content.append("  enabled: ").append(i % 2 == 0).append('\n');
			}
			else {
				content.append(prefix).append(".value=").append(value).append('\n');
				content.append(prefix).append(".count=").append(i).append('\n');
				content.append(prefix).append(".enabled=").append(i % 2 == 0).append('\n');
			}
		}
		for (int i = 0; i < refreshBeans; i++) {
			String key = GeneratedBeans.refreshKey(i);
			String message = String.format(Locale.ROOT, "hello from %03d", i);
			if (format == Format.YAML) {
				int dot = key.indexOf('.');
				content.append(key, 0, dot)
					.append(":\n  ")
					.append(key.substring(dot + 1))
					.append(": ")
					.append(message)
					.append('\n');
			}
			else {
				content.append(key).append('=').append(message).append('\n');
			}
		}
		Map<String, String> payload = new LinkedHashMap<>();
		payload.put(format.file(), content.toString());
		return payload;
	}

	/**
	 * Apply 1-key changes with the starter: the kubelet swaps the volume, the watcher
	 * reloads.
	 * @param context the context
	 * @param volume the volume
	 * @param format the format
	 * @param propertiesBeans the number of @ConfigurationProperties beans
	 * @param refreshBeans the number of @RefreshScope beans
	 * @param warmup the number of changes before measuring
	 * @param iterations the number of measured changes
	 * @return the measurements
	 */
	static StarterResult measureStarter(ConfigurableApplicationContext context, KubeletVolume volume, Format format,
			int propertiesBeans, int refreshBeans, int warmup, int iterations) {
		ReloadEvents events = context.getBean(ReloadEvents.class);
		GeneratedProperties changed = context.getBean(GeneratedBeans.propertiesBeanName(changedBean(propertiesBeans)),
				GeneratedProperties.class);
		String key = changedKey(propertiesBeans);
		long[] reload = new long[iterations];
		long[] endToEnd = new long[iterations];
		long[] cpu = new long[iterations];
		ThreadCpu reloadThread = ThreadCpu.of(RELOAD_THREAD);
		Set<String> rebound = Set.of();
		for (int i = 0; i < warmup + iterations; i++) {
			int version = i + 1;
			touchRefreshScope(context, refreshBeans);
			events.clear();
			long startCpu = reloadThread.nanos();
			long start = System.nanoTime();
			volume.write(payload(format, propertiesBeans, refreshBeans, version));
			ConfigReloadResult result = events.await(
					(candidate) -> candidate.outcome() == ReloadOutcome.APPLIED && candidate.changed().contains(key),
					LagSection.TIMEOUT);
			long end = System.nanoTime();
			long endCpu = reloadThread.nanos();
			Assert.state(result.keys().equals(Set.of(key)), () -> "Expected a 1-key change, got " + result.keys());
			Assert.state(changed.getValue().equals("v" + version), "The starter did not apply the change");
			rebound = result.keys();
			if (i >= warmup) {
				reload[i - warmup] = result.duration().toNanos();
				endToEnd[i - warmup] = end - start;
				cpu[i - warmup] = endCpu - startCpu;
			}
		}
		return new StarterResult(Samples.of(reload), Samples.of(endToEnd), Samples.of(cpu), rebound);
	}

	/**
	 * Measure, in the starter's application, the part of a reload no implementation can
	 * avoid: Boot's loader on the changed file and Boot's {@link Binder} on the affected
	 * bean, each on the calling thread.
	 * @param context the context
	 * @param volume the volume
	 * @param format the format
	 * @param propertiesBeans the number of @ConfigurationProperties beans
	 * @param refreshBeans the number of @RefreshScope beans
	 * @param warmup the number of changes before measuring
	 * @param iterations the number of measured changes
	 * @return the measurements
	 */
	static BootResult measureBootParts(ConfigurableApplicationContext context, KubeletVolume volume, Format format,
			int propertiesBeans, int refreshBeans, int warmup, int iterations) {
		int changedBean = changedBean(propertiesBeans);
		Class<? extends GeneratedProperties> type = GeneratedBeans.propertiesClass(changedBean);
		String prefix = GeneratedBeans.prefix(changedBean);
		String expected = context.getBean(GeneratedBeans.propertiesBeanName(changedBean), GeneratedProperties.class)
			.getValue();
		int keys = 3 * propertiesBeans + refreshBeans;
		Binder binder = Binder.get(context.getEnvironment());
		long[] load = new long[iterations];
		long[] bind = new long[iterations];
		ThreadCpu caller = ThreadCpu.current();
		for (int i = 0; i < warmup + iterations; i++) {
			long start = caller.nanos();
			int loaded = BootCost.keys(BootCost.load(volume, format.file()));
			long loadedAt = caller.nanos();
			GeneratedProperties bound = BootCost.bind(binder, prefix, type);
			long end = caller.nanos();
			Assert.state(loaded == keys, () -> "Boot's loader found " + loaded + " keys, expected " + keys);
			Assert.state(bound.getValue().equals(expected), () -> "Boot's binder bound " + bound.getValue());
			if (i >= warmup) {
				load[i - warmup] = loadedAt - start;
				bind[i - warmup] = end - loadedAt;
			}
		}
		long[] both = new long[iterations];
		Arrays.setAll(both, (i) -> load[i] + bind[i]);
		return new BootResult(Samples.of(load), Samples.of(bind), Samples.of(both));
	}

	/**
	 * Apply the same 1-key changes through {@link ContextRefresher#refresh()}: the
	 * kubelet swaps the volume, then the refresh is timed.
	 * @param context the context
	 * @param volume the volume
	 * @param format the format
	 * @param propertiesBeans the number of @ConfigurationProperties beans
	 * @param refreshBeans the number of @RefreshScope beans
	 * @param warmup the number of changes before measuring
	 * @param iterations the number of measured changes
	 * @return the measurements
	 */
	static RefresherResult measureContextRefresher(ConfigurableApplicationContext context, KubeletVolume volume,
			Format format, int propertiesBeans, int refreshBeans, int warmup, int iterations) {
		ContextRefresher refresher = context.getBean(ContextRefresher.class);
		GeneratedProperties changed = context.getBean(GeneratedBeans.propertiesBeanName(changedBean(propertiesBeans)),
				GeneratedProperties.class);
		String key = changedKey(propertiesBeans);
		long[] refresh = new long[iterations];
		long[] cpu = new long[iterations];
		ThreadCpu caller = ThreadCpu.current();
		for (int i = 0; i < warmup + iterations; i++) {
			int version = i + 1;
			touchRefreshScope(context, refreshBeans);
			volume.write(payload(format, propertiesBeans, refreshBeans, version));
			long startCpu = caller.nanos();
			long start = System.nanoTime();
			Set<String> keys = refresher.refresh();
			long end = System.nanoTime();
			long endCpu = caller.nanos();
			Assert.state(keys.contains(key), () -> "ContextRefresher did not see the change of " + key + ": " + keys);
			Assert.state(changed.getValue().equals("v" + version), "ContextRefresher did not apply the change");
			if (i >= warmup) {
				refresh[i - warmup] = end - start;
				cpu[i - warmup] = endCpu - startCpu;
			}
		}
		return new RefresherResult(Samples.of(refresh), Samples.of(cpu));
	}

	/**
	 * Use every refresh-scoped bean so that each refresh has live instances to discard,
	 * as in a running application.
	 * @param context the application context
	 * @param refreshBeans the number of @RefreshScope beans
	 */
	private static void touchRefreshScope(ConfigurableApplicationContext context, int refreshBeans) {
		for (int i = 0; i < refreshBeans; i++) {
			String message = context.getBean(GeneratedBeans.refreshBeanName(i), RefreshScopedService.class).message();
			Assert.state(message.startsWith("hello"), () -> "Unexpected message " + message);
		}
	}

	/**
	 * What the starter measured.
	 *
	 * @param reload the starter's reload duration (read, diff, bind, swap, refresh scope,
	 * events)
	 * @param endToEnd from the start of the kubelet write to the reload event
	 * @param cpu CPU time of the reload thread per change
	 * @param keys the keys of the last change
	 */
	record StarterResult(Samples reload, Samples endToEnd, Samples cpu, Set<String> keys) {

	}

	/**
	 * What Boot's own classes cost for the same change.
	 *
	 * @param loadCpu CPU time of Boot's loader on the changed file
	 * @param bindCpu CPU time of Boot's binder on the affected bean
	 * @param bothCpu their sum, per change
	 */
	record BootResult(Samples loadCpu, Samples bindCpu, Samples bothCpu) {

	}

	/**
	 * What {@code ContextRefresher} measured.
	 *
	 * @param refresh wall time of {@code refresh()}
	 * @param cpu CPU time of the calling thread during {@code refresh()}
	 */
	record RefresherResult(Samples refresh, Samples cpu) {

	}

}
