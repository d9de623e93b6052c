package io.configlag.watch;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.ReloadTrigger;
import io.configlag.WatchStatus;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint;
import io.configlag.actuate.endpoint.ConfigReloadEndpoint.WatchDescriptor;
import io.configlag.autoconfigure.ConfigLagAutoConfiguration;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.autoconfigure.ConfigLagSpringCloudAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadEndpointAutoConfiguration;
import io.configlag.autoconfigure.ConfigReloadHealthContributorAutoConfiguration;
import io.configlag.health.ConfigReloadHealthIndicator;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import io.configlag.watch.ConfigWatcherTests.AppProperties;
import io.configlag.watch.ConfigWatcherTests.TestConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watcher faults: lost events, invalidated watch keys, a watch service that cannot be
 * (re)established, and a watcher thread that dies. Watching must never stop silently.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class WatcherFaultTests {

	private static final Duration TIMEOUT = ReloadEvents.TIMEOUT;

	@TempDir
	Path temp;

	private ApplicationContextRunner runner(Path path) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + path, "config.lag.watch.mode=native",
					"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms",
					"config.lag.watch.check-interval=100ms");
	}

	@Test
	void overflowTriggersAFullRescan() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(volume.directory()).withPropertyValues("config.lag.watch.check-interval=1h").run((context) -> {
			// Change the content where no watched directory sees it: only a rescan finds
			// it
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
		runner(directory).withPropertyValues("config.lag.watch.check-interval=1h").run((context) -> {
			volume.delete();
			await().atMost(TIMEOUT)
				.until(() -> !ReloadEvents.of(context).withOutcome(ReloadOutcome.REJECTED).isEmpty());
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("one");
			KubeletVolume.configMap(directory).write(Map.of("config.yaml", "app:\n  name: two\n"));
			ReloadEvents.awaitApplied(context, 1);
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
			ConfigWatcher watcher = context.getBean(ConfigWatcher.class);
			assertThat(watcher.getStatus().mode()).isEqualTo(WatchStatus.Mode.NATIVE);
			// Still watched natively: the next swap is seen as an event
			volume.update("config.yaml", "app:\n  name: three\n");
			await().atMost(TIMEOUT).until(() -> "three".equals(context.getBean(AppProperties.class).getName()));
			assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED)).last()
				.extracting(ConfigReloadResult::trigger)
				.isEqualTo(ReloadTrigger.WATCH);
		});
	}

	@Test
	void fallsBackToPollingWhenNativeWatchingIsUnavailable() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		Callable<WatchService> unavailable = () -> {
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
		Callable<WatchService> recovering = () -> {
			if (attempts.incrementAndGet() == 1) {
				throw new IOException("User limit of inotify instances reached");
			}
			return FileSystems.getDefault().newWatchService();
		};
		withWatcher(volume.directory(), recovering, (context, watcher) -> {
			await().atMost(TIMEOUT)
				.until(() -> watcher.getStatus().mode() == WatchStatus.Mode.NATIVE && watcher.getStatus().watching());
			assertThat(watcher.getStatus().problem()).isNull();
			updateSeenAsEvent(context, watcher, volume, "two");
		});
	}

	@Test
	void metadataCheckReestablishesADeadWatcher() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		AtomicReference<WatchService> created = new AtomicReference<>();
		Callable<WatchService> factory = () -> {
			WatchService service = FileSystems.getDefault().newWatchService();
			created.set(service);
			return service;
		};
		withWatcher(volume.directory(), factory, (context, watcher) -> {
			WatchService first = created.get();
			first.close();
			// A change made while nobody watches is not lost: the metadata check
			// re-establishes
			// watching and compares the file metadata
			volume.update("config.yaml", "app:\n  name: two\n");
			ReloadEvents.awaitApplied(context, 1);
			assertThat(context.getBean(AppProperties.class).getName()).isEqualTo("two");
			await().atMost(TIMEOUT).until(() -> created.get() != first && watcher.getStatus().watching());
			assertThat(watcher.getStatus().mode()).isEqualTo(WatchStatus.Mode.NATIVE);
			assertThat(watcher.getStatus().problem()).isNull();
			assertThat(watcher.getStatus().lastCheck()).isNotNull();
			updateSeenAsEvent(context, watcher, volume, "three");
		});
	}

	@Test
	void noInotifyInstanceAtStartIsReportedAndNativeWatchingReturnsOnceOneIsFree(CapturedOutput output) {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: one\n"));
		runner(volume.directory())
			.withConfiguration(AutoConfigurations.of(ConfigReloadEndpointAutoConfiguration.class,
					ConfigReloadHealthContributorAutoConfiguration.class))
			.withUserConfiguration(ExhaustedInotifyConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=configreload")
			.run((context) -> {
				ConfigWatcher watcher = context.getBean(ConfigWatcher.class);
				ConfigReloadEndpoint endpoint = context.getBean(ConfigReloadEndpoint.class);
				HealthIndicator health = context.getBean(ConfigReloadHealthIndicator.class);
				WatchStatus status = watcher.getStatus();
				assertThat(status.mode()).isEqualTo(WatchStatus.Mode.POLLING);
				assertThat(status.watching()).isTrue();
				assertThat(status.since()).isNotNull();
				assertThat(status.problem()).contains("inotify instances").contains("fs.inotify.max_user_instances");
				WatchDescriptor described = endpoint.configReload().watch();
				assertThat(described.mode()).isEqualTo("polling");
				assertThat(described.problem()).isEqualTo(status.problem());
				assertThat(endpoint.configReload().watchMode()).isEqualTo("polling");
				assertThat(endpoint.configReload().warnings()).contains(status.problem());
				assertThat(health.health(true).getDetails()).containsEntry("watchMode", "polling")
					.containsEntry("watchProblem", status.problem());
				volume.update("config.yaml", "app:\n  name: two\n");
				ReloadEvents.awaitApplied(context, 1);
				assertThat(ReloadEvents.of(context).withOutcome(ReloadOutcome.APPLIED).get(0).trigger())
					.isEqualTo(ReloadTrigger.POLL);
				// Several checks failed to get an instance; the fallback was logged once
				Instant checked = watcher.getStatus().lastCheck();
				await().atMost(TIMEOUT).until(() -> watcher.getStatus().lastCheck().isAfter(checked.plusMillis(200)));
				assertThat(output.getOut().split("fs.inotify.max_user_instances", -1)).hasSize(2);
				context.getBean(AtomicBoolean.class).set(false);
				await().atMost(TIMEOUT).until(() -> watcher.getStatus().mode() == WatchStatus.Mode.NATIVE);
				assertThat(watcher.getStatus().problem()).isNull();
				assertThat(watcher.getStatus().since()).isAfter(status.since());
				assertThat(endpoint.configReload().watch().mode()).isEqualTo("native");
				assertThat(endpoint.configReload().warnings()).doesNotContain(status.problem());
				assertThat(health.health(true).getDetails()).containsEntry("watchMode", "native")
					.doesNotContainKey("watchProblem");
				assertThat(output.getOut()).contains("with file system events again");
				updateSeenAsEvent(context, watcher, volume, "three");
			});
	}

	/**
	 * Update the volume and wait until the update is applied and was seen as a
	 * file-system event: the metadata check may apply it first, then the event's check
	 * finds nothing new to reload, so the trigger of the applied reload proves nothing.
	 */
	static void updateSeenAsEvent(AssertableApplicationContext context, ConfigWatcher watcher, KubeletVolume volume,
			String name) {
		Instant before = Instant.now();
		volume.update("config.yaml", "app:\n  name: " + name + "\n");
		await().atMost(TIMEOUT).until(() -> name.equals(context.getBean(AppProperties.class).getName()));
		await().atMost(TIMEOUT)
			.until(() -> watcher.getStatus().lastEvent() != null && !watcher.getStatus().lastEvent().isBefore(before));
	}

	private void withWatcher(Path path, Callable<WatchService> factory, WatcherAssertions assertions) {
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

	/**
	 * A watcher whose watch service cannot be created while no inotify instance is free,
	 * as when {@code fs.inotify.max_user_instances} is reached: exhausting the real limit
	 * would starve every other process of this user on the machine.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ExhaustedInotifyConfiguration {

		@Bean
		AtomicBoolean inotifyExhausted() {
			return new AtomicBoolean(true);
		}

		@Bean
		ConfigWatcher exhaustedInotifyWatcher(ConfigReloader reloader, AtomicBoolean inotifyExhausted) {
			return new ConfigWatcher(reloader, WatchMode.NATIVE, Duration.ofMillis(50), Duration.ofMillis(50),
					Duration.ofMillis(100), () -> {
						if (inotifyExhausted.get()) {
							throw new IOException("User limit of inotify instances reached or too many open files");
						}
						return FileSystems.getDefault().newWatchService();
					});
		}

	}

	@FunctionalInterface
	interface WatcherAssertions {

		void accept(AssertableApplicationContext context, ConfigWatcher watcher) throws Exception;

	}

}
