package io.configlag.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadedEvent;
import io.configlag.ReloadOutcome;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

import static org.awaitility.Awaitility.await;

/**
 * Collects every {@link ConfigReloadedEvent} of a test context.
 */
public class ReloadEvents implements ApplicationListener<ConfigReloadedEvent> {

	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<ConfigReloadResult> results = new CopyOnWriteArrayList<>();

	@Override
	public void onApplicationEvent(ConfigReloadedEvent event) {
		this.results.add(event.getResult());
	}

	public List<ConfigReloadResult> all() {
		return List.copyOf(this.results);
	}

	public List<ConfigReloadResult> withOutcome(ReloadOutcome outcome) {
		return this.results.stream().filter((result) -> result.outcome() == outcome).toList();
	}

	public int size() {
		return this.results.size();
	}

	public List<ConfigReloadResult> since(int index) {
		List<ConfigReloadResult> all = all();
		return all.subList(Math.min(index, all.size()), all.size());
	}

	/**
	 * Return the collector of the given context.
	 * @param context a context with a {@code ReloadEvents} bean
	 * @return the collector
	 */
	public static ReloadEvents of(ApplicationContext context) {
		return context.getBean(ReloadEvents.class);
	}

	/**
	 * Wait until the given context has applied at least {@code count} versions.
	 * @param context a context with a {@code ReloadEvents} bean
	 * @param count the number of applied reloads to wait for
	 */
	public static void awaitApplied(ApplicationContext context, int count) {
		ReloadEvents events = of(context);
		await().atMost(TIMEOUT).until(() -> events.withOutcome(ReloadOutcome.APPLIED).size() >= count);
	}

	/**
	 * Wait until the given context has put at least {@code count} versions into the
	 * {@code Environment} that no live consumer took.
	 * @param context a context with a {@code ReloadEvents} bean
	 * @param count the number of restart-required reloads to wait for
	 * @return the first of them
	 */
	public static ConfigReloadResult awaitRestartRequired(ApplicationContext context, int count) {
		ReloadEvents events = of(context);
		await().atMost(TIMEOUT).until(() -> events.withOutcome(ReloadOutcome.RESTART_REQUIRED).size() >= count);
		return events.withOutcome(ReloadOutcome.RESTART_REQUIRED).get(0);
	}

	/**
	 * Wait until the given context has rejected at least one version.
	 * @param context a context with a {@code ReloadEvents} bean
	 */
	static void awaitRejected(ApplicationContext context) {
		ReloadEvents events = of(context);
		await().atMost(TIMEOUT).until(() -> !events.withOutcome(ReloadOutcome.REJECTED).isEmpty());
	}

}
