package io.configlag.autoconfigure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.configlag.ConfigReloadResult;
import io.configlag.ReloadOutcome;
import io.configlag.autoconfigure.ConfigLagProperties.WatchMode;
import io.configlag.reload.ConfigReloader;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import io.configlag.test.ReloadEvents;
import jakarta.validation.constraints.Max;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.FileSystemUtils;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One test per bad input of issue 6, through the kubelet fixture and, where it applies,
 * through a plain in-place write, in native and in polling mode. Each proves that the bad
 * version is rejected visibly (a {@code REJECTED} event whose error names the file or
 * property and the reason, {@link ConfigReloader#getLastReload()} and the
 * {@code REJECTED} count), that the last good value stays bound in the
 * {@code @ConfigurationProperties} bean and in the {@code Environment}, that a
 * secret-like value next to the error never appears in it, and that the next good write
 * is applied.
 */
@InjectsFaults
class BadInputTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String SECRET = "hunter2-secret";

	private static final String GOOD_ONE = "app:\n  name: one\n  password: " + SECRET + "\n";

	private static final String GOOD_TWO = "app:\n  name: two\n  password: " + SECRET + "\n";

	@TempDir
	Path temp;

	// Invalid YAML

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void invalidYamlThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("config.yaml", "app:\n  password: " + SECRET + "\n  name: [two\n"),
				() -> volume.update("config.yaml", GOOD_TWO), "config.yaml", "Invalid YAML", "line "));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void invalidYamlInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.writeString(file, "app:\n  password: " + SECRET + "\n  name: [two\n"),
				() -> Files.writeString(file, GOOD_TWO), "config.yaml", "Invalid YAML", "line "));
	}

	// Invalid .properties escapes

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void invalidPropertiesEscapeThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("application.properties", properties("one"));
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("application.properties", "app.password=" + SECRET + "\napp.name=tw\\uZZZZo\n"),
				() -> volume.update("application.properties", properties("two")), "application.properties",
				"Invalid properties", "Malformed \\uxxxx encoding"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void invalidPropertiesEscapeInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("application.properties", properties("one"));
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.writeString(file, "app.password=" + SECRET + "\napp.name=tw\\uZZZZo\n"),
				() -> Files.writeString(file, properties("two")), "application.properties", "Invalid properties",
				"Malformed \\uxxxx encoding"));
	}

	// Binary data, NUL bytes

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void binaryDataThroughKubelet(WatchMode mode) {
		// A ConfigMap's binaryData key lands as a config-tree file
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R' };
		runner(mode, volume.directory())
			.run((context) -> rejectThenRecover(context, () -> volume.update("app.logo", png),
					() -> volume.remove("app.logo").update("config.yaml", GOOD_TWO), "app.logo", "NUL byte"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void nulByteInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.writeString(file, "app:\n  password: " + SECRET + "\n  name: t\0wo\n"),
				() -> Files.writeString(file, GOOD_TWO), "config.yaml", "NUL byte at offset"));
	}

	// Non-UTF-8 text

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void nonUtf8ThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("config.yaml", latin1("app:\n  password: " + SECRET + "\n  name: caf\u00e9\n")),
				() -> volume.update("config.yaml", GOOD_TWO), "config.yaml", "not valid UTF-8"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void nonUtf8InPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.write(file, latin1("app:\n  password: " + SECRET + "\n  name: caf\u00e9\n")),
				() -> Files.writeString(file, GOOD_TWO), "config.yaml", "not valid UTF-8"));
	}

	// Empty file

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void emptyFileThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory())
			.run((context) -> rejectThenRecover(context, () -> volume.update("config.yaml", ""),
					() -> volume.update("config.yaml", GOOD_TWO), "config.yaml", "is empty"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void emptyFileInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context, () -> Files.write(file, new byte[0]),
				() -> Files.writeString(file, GOOD_TWO), "config.yaml", "is empty"));
	}

	// Half-written file

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void truncatedPayloadThroughKubelet(WatchMode mode) {
		// The kubelet never exposes a half-written file, but it delivers a truncated
		// payload (a cut-off kubectl apply) as atomically as any other
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		String complete = "app:\n  password: " + SECRET + "\n  name: \"two\"\n";
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("config.yaml", complete.substring(0, complete.indexOf("two") + 2)),
				() -> volume.update("config.yaml", complete), "config.yaml", "Invalid YAML", "end of stream"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void halfWrittenInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		byte[] complete = ("app:\n  password: " + SECRET + "\n  name: \"two\"\n").getBytes(StandardCharsets.UTF_8);
		int cut = new String(complete, StandardCharsets.UTF_8).indexOf("two") + 2;
		FileChannel[] writer = new FileChannel[1];
		runner(mode, file.getParent()).run((context) -> {
			try {
				// A non-atomic writer truncates the file, writes part of it and stalls
				rejectThenRecover(context, () -> {
					writer[0] = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
					writer[0].write(ByteBuffer.wrap(complete, 0, cut));
				}, () -> {
					writer[0].write(ByteBuffer.wrap(complete, cut, complete.length - cut));
					writer[0].close();
				}, "config.yaml", "Invalid YAML", "end of stream");
			}
			finally {
				if (writer[0] != null) {
					writer[0].close();
				}
			}
		});
	}

	// File larger than config.lag.max-file-size

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void fileTooLargeThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).withPropertyValues("config.lag.max-file-size=1KB")
			.run((context) -> rejectThenRecover(context, () -> volume.update("config.yaml", tooLarge()),
					() -> volume.update("config.yaml", GOOD_TWO), "config.yaml",
					"is " + tooLarge().length() + " bytes, larger than config.lag.max-file-size (1024 bytes)"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void fileTooLargeInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).withPropertyValues("config.lag.max-file-size=1KB")
			.run((context) -> rejectThenRecover(context, () -> Files.writeString(file, tooLarge()),
					() -> Files.writeString(file, GOOD_TWO), "config.yaml",
					"is " + tooLarge().length() + " bytes, larger than config.lag.max-file-size (1024 bytes)"));
	}

	// Permission denied

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void unreadableFileInPlace(WatchMode mode) throws IOException {
		assumeTrue(chmodDeniesRead(), "chmod 000 does not deny this process a read (root with CAP_DAC_OVERRIDE, "
				+ "as in CI); writeOnlyFileInPlace covers the same path as root");
		Path file = plainFile("config.yaml", GOOD_ONE);
		Path denied = file.resolveSibling("extra.yaml");
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context, () -> {
			// Prepared outside, moved in at once: the new file is never readable
			Path outside = Files.writeString(this.temp.resolve("extra.yaml"), "app:\n  password: " + SECRET + "\n");
			Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("---------"));
			Files.move(outside, denied, StandardCopyOption.ATOMIC_MOVE);
		}, () -> {
			Files.delete(denied);
			Files.writeString(file, GOOD_TWO);
		}, "Permission denied", "extra.yaml"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void writeOnlyFileInPlace(WatchMode mode) throws IOException {
		// A write-only sysctl: procfs refuses to open it for reading even to root, so
		// this
		// is a real EACCES on every machine, whatever the user and its capabilities
		Path writeOnly = Path.of("/proc/sys/vm/drop_caches");
		assumeTrue(Files.exists(writeOnly) && !readable(writeOnly), writeOnly + " is absent or readable here");
		Path file = plainFile("config.yaml", GOOD_ONE);
		Path denied = file.resolveSibling("app.token");
		runner(mode, file.getParent())
			.run((context) -> rejectThenRecover(context, () -> Files.createSymbolicLink(denied, writeOnly), () -> {
				Files.delete(denied);
				Files.writeString(file, GOOD_TWO);
			}, "Permission denied", "app.token"));
	}

	// File deleted

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void watchedFileRemovedFromKubeletVolume(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		volume.update("other.yaml", "other: x\n");
		// Right after the swap the user-visible link dangles, then the kubelet removes it
		runner(mode, volume.path("config.yaml")).run((context) -> rejectThenRecover(context,
				() -> volume.remove("config.yaml"), () -> volume.update("config.yaml", GOOD_TWO), "config.yaml",
				"(does not exist|dangling symbolic link|neither a file nor a directory)"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void watchedFileDeletedInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file).run((context) -> rejectThenRecover(context, () -> Files.delete(file),
				() -> Files.writeString(file, GOOD_TWO), "config.yaml", "does not exist"));
	}

	// The whole directory deleted and recreated

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void volumeDeletedAndRecreated(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context, volume::delete,
				() -> KubeletVolume.configMap(volume.directory()).write(Map.of("config.yaml", GOOD_TWO)),
				volume.directory().toString(), "does not exist"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void plainDirectoryDeletedAndRecreated(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		Path directory = file.getParent();
		runner(mode, directory)
			.run((context) -> rejectThenRecover(context, () -> FileSystemUtils.deleteRecursively(directory), () -> {
				Path written = Files.writeString(this.temp.resolve("config.yaml"), GOOD_TWO);
				Files.createDirectories(directory);
				Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
			}, directory.toString(), "does not exist"));
	}

	// The mount disappearing and coming back

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void mountDisappearsAndComesBack(WatchMode mode) {
		// An unmounted volume leaves its mount point behind, empty (RealMountTests
		// unmounts a real tmpfs where the test may mount)
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		Path mountPoint = volume.directory();
		runner(mode, mountPoint).run((context) -> rejectThenRecover(context, () -> {
			try (Stream<Path> contents = Files.walk(mountPoint)) {
				for (Path path : contents.sorted(Comparator.reverseOrder()).toList()) {
					if (!path.equals(mountPoint)) {
						Files.delete(path);
					}
				}
			}
		}, () -> KubeletVolume.configMap(mountPoint).write(Map.of("config.yaml", GOOD_TWO)), mountPoint.toString(),
				"is empty; keeping its last keys"));
	}

	// Dangling symbolic link

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void danglingSymlinkInPlace(WatchMode mode) throws IOException {
		// The kubelet writes regular files only and is read through ..data, so it never
		// shows a dangling link but for the one of a removed key, covered above
		Path file = plainFile("config.yaml", GOOD_ONE);
		Path link = file.resolveSibling("extra.yaml");
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.createSymbolicLink(link, this.temp.resolve("nowhere.yaml")), () -> {
					Files.delete(link);
					Files.writeString(file, GOOD_TWO);
				}, "extra.yaml", "dangling symbolic link"));
	}

	// Symbolic link loop

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void symlinkLoopInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		Path directory = file.getParent();
		Path loop = directory.resolve("nested");
		runner(mode, directory)
			.run((context) -> rejectThenRecover(context, () -> Files.createSymbolicLink(loop, directory), () -> {
				Files.delete(loop);
				Files.writeString(file, GOOD_TWO);
			}, directory.toString(), "Symbolic link loop"));
	}

	// A value of the wrong type for a bound field

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void wrongTypeThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("config.yaml", GOOD_TWO + "  count: " + SECRET + "\n"),
				() -> volume.update("config.yaml", GOOD_TWO + "  count: 3\n"), "'app.count'", "config.yaml",
				"cannot be converted to int"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void wrongTypeInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.writeString(file, GOOD_TWO + "  count: " + SECRET + "\n"),
				() -> Files.writeString(file, GOOD_TWO + "  count: 3\n"), "'app.count'", "config.yaml",
				"cannot be converted to int"));
	}

	// A @Validated constraint violation

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void constraintViolationThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("config.yaml", GOOD_TWO + "limits:\n  max: 50\n"),
				() -> volume.update("config.yaml", GOOD_TWO + "limits:\n  max: 9\n"), "'limits.max'",
				"less than or equal to 10"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void constraintViolationInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent()).run((context) -> rejectThenRecover(context,
				() -> Files.writeString(file, GOOD_TWO + "limits:\n  max: 50\n"),
				() -> Files.writeString(file, GOOD_TWO + "limits:\n  max: 9\n"), "'limits.max'",
				"less than or equal to 10"));
	}

	// Duplicate keys in YAML

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void duplicateKeysThroughKubelet(WatchMode mode) {
		KubeletVolume volume = volume("config.yaml", GOOD_ONE);
		runner(mode, volume.directory()).run((context) -> rejectThenRecover(context,
				() -> volume.update("config.yaml", GOOD_TWO + "  name: three\n"),
				() -> volume.update("config.yaml", GOOD_TWO), "config.yaml", "line 4", "duplicate key name"));
	}

	@ParameterizedTest
	@EnumSource(value = WatchMode.class, names = { "NATIVE", "POLLING" })
	void duplicateKeysInPlace(WatchMode mode) throws IOException {
		Path file = plainFile("config.yaml", GOOD_ONE);
		runner(mode, file.getParent())
			.run((context) -> rejectThenRecover(context, () -> Files.writeString(file, GOOD_TWO + "  name: three\n"),
					() -> Files.writeString(file, GOOD_TWO), "config.yaml", "line 4", "duplicate key name"));
	}

	/**
	 * Make the bad write, then prove the rejection and the last good value, then make the
	 * good write and prove it is applied.
	 * @param context the running context, on version {@code app.name=one}
	 * @param bad the bad write
	 * @param good the next good write, setting {@code app.name=two}
	 * @param expectedInError texts the rejection message must contain (a regular
	 * expression when in parentheses): the file or property, and the reason
	 */
	private static void rejectThenRecover(AssertableApplicationContext context, Write bad, Write good,
			String... expectedInError) throws Exception {
		ConfigReloader reloader = context.getBean(ConfigReloader.class);
		ReloadEvents events = context.getBean(ReloadEvents.class);
		assertThat(app(context).getName()).isEqualTo("one");
		String goodVersion = reloader.current().version();
		long rejectedBefore = reloader.getCount(ReloadOutcome.REJECTED);
		int eventsBefore = events.size();
		bad.run();
		// Transient states of a multi-step bad write may be rejected first for another
		// reason; the last rejection must be the expected one
		awaiting().untilAsserted(() -> {
			ConfigReloadResult last = reloader.getLastReload();
			assertThat(last).isNotNull();
			assertThat(last.outcome()).isEqualTo(ReloadOutcome.REJECTED);
			assertThat(reloader.getCount(ReloadOutcome.REJECTED)).isGreaterThan(rejectedBefore);
			assertErrorMentions(last.error(), expectedInError);
			List<ConfigReloadResult> published = events.since(eventsBefore);
			assertThat(published).last().isEqualTo(last);
		});
		List<ConfigReloadResult> afterBad = events.since(eventsBefore);
		assertThat(afterBad).extracting(ConfigReloadResult::outcome).doesNotContain(ReloadOutcome.APPLIED);
		assertThat(afterBad).filteredOn((result) -> result.outcome() == ReloadOutcome.REJECTED)
			.isNotEmpty()
			.allSatisfy((rejected) -> {
				assertThat(rejected.error()).isNotBlank().doesNotContain(SECRET);
				assertThat(rejected.version()).isEqualTo(goodVersion);
			});
		assertThat(app(context).getName()).isEqualTo("one");
		assertThat(app(context).getPassword()).isEqualTo(SECRET);
		assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("one");
		assertThat(reloader.current().version()).isEqualTo(goodVersion);
		good.run();
		// A reload queued by the bad write may read the good version first, so the one
		// triggered by the good write can find it UNCHANGED
		awaiting().untilAsserted(() -> {
			assertThat(events.since(eventsBefore)).extracting(ConfigReloadResult::outcome)
				.contains(ReloadOutcome.APPLIED);
			assertThat(app(context).getName()).isEqualTo("two");
		});
		assertThat(context.getEnvironment().getProperty("app.name")).isEqualTo("two");
		assertThat(reloader.getLastReload().outcome()).isNotEqualTo(ReloadOutcome.REJECTED);
		assertThat(reloader.current().version()).isNotEqualTo(goodVersion);
	}

	private static ConditionFactory awaiting() {
		return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	private static void assertErrorMentions(String error, String... expected) {
		assertThat(error).isNotNull();
		for (String pattern : expected) {
			assertThat(error).containsPattern(pattern.startsWith("(") ? pattern : Pattern.quote(pattern));
		}
	}

	private ApplicationContextRunner runner(WatchMode mode, Path path) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
					ConfigLagSpringCloudAutoConfiguration.class, ConfigLagAutoConfiguration.class))
			.withUserConfiguration(TestConfiguration.class)
			.withPropertyValues("config.lag.paths=" + path, "config.lag.watch.mode=" + mode,
					"config.lag.watch.poll-interval=50ms", "config.lag.watch.quiet-period=50ms");
	}

	private KubeletVolume volume(String key, String content) {
		return KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of(key, content));
	}

	private Path plainFile(String name, String content) throws IOException {
		Path directory = Files.createDirectories(this.temp.resolve("plain"));
		return Files.writeString(directory.resolve(name), content);
	}

	private static String properties(String name) {
		return "app.name=" + name + "\napp.password=" + SECRET + "\n";
	}

	private static byte[] latin1(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String tooLarge() {
		return GOOD_TWO + "# padding\n".repeat(120);
	}

	private boolean chmodDeniesRead() throws IOException {
		Path probe = Files.writeString(this.temp.resolve("probe"), "probe");
		Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("---------"));
		return !readable(probe);
	}

	private static boolean readable(Path file) {
		try {
			Files.readAllBytes(file);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static AppProperties app(AssertableApplicationContext context) {
		return context.getBean(AppProperties.class);
	}

	@FunctionalInterface
	interface Write {

		void run() throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ AppProperties.class, LimitsProperties.class })
	static class TestConfiguration {

		@Bean
		ReloadEvents reloadEvents() {
			return new ReloadEvents();
		}

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String name = "default";

		private String password;

		private int count = 1;

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		String getPassword() {
			return this.password;
		}

		void setPassword(String password) {
			this.password = password;
		}

		int getCount() {
			return this.count;
		}

		void setCount(int count) {
			this.count = count;
		}

	}

	@Validated
	@ConfigurationProperties("limits")
	static class LimitsProperties {

		@Max(10)
		private int max = 5;

		int getMax() {
			return this.max;
		}

		void setMax(int max) {
			this.max = max;
		}

	}

}
