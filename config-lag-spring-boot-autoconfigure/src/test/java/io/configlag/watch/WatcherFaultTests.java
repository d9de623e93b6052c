package io.configlag.watch;

import io.configlag.WatchStatus;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.reload.ConfigReloader;

import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.watch.ConfigWatcher.WatchServiceFactory;
import io.configlag.watch.ConfigWatcherTests.AppProperties;
import io.configlag.watch.ConfigWatcherTests.TestConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watcher faults: lost events, invalidated watch keys, a watch service that cannot be
 * (re)established, and a watcher thread that dies. Watching must never stop silently.
 */
class WatcherFaultTests {

	private static final Duration TIMEOUT = ReloadEvents.TIMEOUT;

	@TempDir
	Path temp;

	private ApplicationContextRunner runner(Path path) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + path, "config.lag.watch.mode=native",
					"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms",
					"config.lag.watch.watchdog-interval=100ms");
	}

	@Test
	void overflowTriggersAFullRescan() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(volume.directory()).withPropertyValues("config.lag.watch.watchdog-interval=1h").run((context) -> {
			// Change the content where no watched directory sees it: only a rescan finds it
			Path current = volume.directory().resolve(volume.currentVersionDirectory());
			Files.writeString(current.resolve("config.yaml"), "app:\n  name: two\n");
			context.getBean(ConfigWatcher.class).onEvents(volume.directory(), List.of(overflow()), true);
			ReloadEvents.awaitApplied(context, 1);
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
		});
	}

	@Test
	void invalidatedKeyIsRegisteredAgainWhenTheDirectoryComesBack() {
		Path directory = this.temp.resolve("config");
		KubeletVolume volume = KubeletVolume.configMap(directory).write(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(directory).withPropertyValues("config.lag.watch.watchdog-interval=1h").run((context) -> {
			volume.delete();
			await().atMost(TIMEOUT).until(() -> !ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).isEmpty());
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("one");
			KubeletVolume.configMap(directory).write(Map.of("config.yaml", "app:\n  name: two\n"));
			ReloadEvents.awaitApplied(context, 1);
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
			ConfigWatcher watcher = context.getBean(ConfigWatcher.class);
			assertThat(watcher.getStatus().mode()).isEqualTo(WatchStatus.Mode.NATIVE);
			// Still watched natively: the next swap is seen as an event
			volume.update("config.yaml", "app:\n  name: three\n");
			await().atMost(TIMEOUT)
				.until(() -> "three".equals(context.getBean(AppProperties.class).getName()));
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED)).last()
				.extracting(ConfigReloadResult::trigger)
				.isEqualTo(ReloadTrigger.WATCH);
		});
	}

	@Test
	void fallsBackToPollingWhenNativeWatchingIsUnavailable() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		WatchServiceFactory unavailable = () -> {
			throw new IOException("User limit of inotify instances reached");
		};
		withWatcher(volume.directory(), unavailable, (context, watcher) -> {
			assertThat(watcher.getStatus().mode()).isEqualTo(WatchStatus.Mode.POLLING);
			assertThat(watcher.getStatus().watching()).isTrue();
			assertThat(watcher.getStatus().problem()).contains("inotify");
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).trigger())
				.isEqualTo(ReloadTrigger.POLL);
		});
	}

	@Test
	void returnsToNativeWatchingOnceItIsAvailableAgain() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		AtomicInteger attempts = new AtomicInteger();
		WatchServiceFactory recovering = () -> {
			if (attempts.incrementAndGet() == 1) {
				throw new IOException("User limit of inotify instances reached");
			}
			return FileSystems.getDefault().newWatchService();
		};
		withWatcher(volume.directory(), recovering, (context, watcher) -> {
			await().atMost(TIMEOUT)
				.until(() -> watcher.getStatus().mode() == WatchStatus.Mode.NATIVE && watcher.getStatus().watching());
			assertThat(watcher.getStatus().problem()).isNull();
			int before = ReloadEvents.of(context).size();
			volume.update("config.yaml", "app:\n  name: two\n");
			await().atMost(TIMEOUT)
				.until(() -> ReloadEvents.of(context)
					.since(before)
					.stream()
					.anyMatch((result) -> result.trigger() == ReloadTrigger.WATCH));
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
		});
	}

	@Test
	void watchdogReestablishesADeadWatcher() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		AtomicReference<WatchService> created = new AtomicReference<>();
		WatchServiceFactory factory = () -> {
			WatchService service = FileSystems.getDefault().newWatchService();
			created.set(service);
			return service;
		};
		withWatcher(volume.directory(), factory, (context, watcher) -> {
			WatchService first = created.get();
			first.close();
			// A change made while nobody watches is not lost: the watchdog re-establishes
			// watching and compares the file metadata
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
			await().atMost(TIMEOUT).until(() -> created.get() != first && watcher.getStatus().watching());
			assertThat(watcher.getStatus().mode()).isEqualTo(WatchStatus.Mode.NATIVE);
			assertThat(watcher.getStatus().problem()).isNull();
			assertThat(watcher.getStatus().lastCheck()).isNotNull();
			// Watching natively again: the next swap arrives as an event (the watchdog's
			// metadata check may apply it first; the event's reload is then "unchanged")
			int before = ReloadEvents.of(context).size();
			volume.update("config.yaml", "app:\n  name: three\n");
			await().atMost(TIMEOUT)
				.until(() -> ReloadEvents.of(context).since(before)
					.stream()
					.anyMatch((result) -> result.trigger() == ReloadTrigger.WATCH));
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("three");
		});
	}

	private void withWatcher(Path path, WatchServiceFactory factory, WatcherAssertions assertions) {
		runner(path).run((context) -> {
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			context.getBean(ConfigWatcher.class).stop();
			ConfigWatcher watcher = new ConfigWatcher(reloader, WatchMode.NATIVE, Duration.ofMillis(50),
					Duration.ofMillis(50), Duration.ofMillis(100), factory);
			watcher.start();
			try {
				assertions.accept(context, watcher);
			}
			finally {
				watcher.stop();
			}
		});
	}

	private static WatchEvent<Object> overflow() {
		return new WatchEvent<>() {

			@Override
			public Kind<Object> kind() {
				return StandardWatchEventKinds.OVERFLOW;
			}

			@Override
			public int count() {
				return 1;
			}

			@Override
			public Object context() {
				return null;
			}

		};
	}



	@FunctionalInterface
	interface WatcherAssertions {

		void accept(AssertableApplicationContext context, ConfigWatcher watcher) throws Exception;

	}

}
