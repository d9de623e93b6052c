package io.configlag.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.ApplicationListener;

/**
 * Collects every {@link ConfigReloadedEvent} of a test context.
 */
class ReloadEvents implements ApplicationListener<ConfigReloadedEvent> {

	private final List<ConfigReloadResult> results = new CopyOnWriteArrayList<>();

	@Override
	public void onApplicationEvent(ConfigReloadedEvent event) {
		this.results.add(event.getResult());
	}

	List<ConfigReloadResult> all() {
		return List.copyOf(this.results);
	}

	List<ConfigReloadResult> withOutcome(ReloadOutcome outcome) {
		return this.results.stream().filter((result) -> result.outcome() == outcome).toList();
	}

	int size() {
		return this.results.size();
	}

	List<ConfigReloadResult> since(int index) {
		List<ConfigReloadResult> all = all();
		return all.subList(Math.min(index, all.size()), all.size());
	}

}
