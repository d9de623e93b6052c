package io.configlag.test;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KubeletVolume}: the fixture must lay files out, and produce the
 * events, exactly as the kubelet does.
 */
class KubeletVolumeTests {

	@TempDir
	Path temp;

	@Test
	void layoutMatchesTheKubelet() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"));
		volume.write(Map.of("config.yaml", "a: 1\n", "nested/app.properties", "b=2\n"));
		Path dir = volume.directory();
		assertThat(Files.isSymbolicLink(dir.resolve("..data"))).isTrue();
		String ts = Files.readSymbolicLink(dir.resolve("..data")).toString();
		assertThat(ts).matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+");
		assertThat(Files.readSymbolicLink(dir.resolve("config.yaml"))).isEqualTo(Path.of("..data/config.yaml"));
		assertThat(Files.readSymbolicLink(dir.resolve("nested"))).isEqualTo(Path.of("..data/nested"));
		assertThat(Files.readString(dir.resolve("nested/app.properties"))).isEqualTo("b=2\n");
		assertThat(Files.getPosixFilePermissions(dir.resolve(ts)))
			.isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(Files.getPosixFilePermissions(dir.resolve(ts).resolve("config.yaml")))
			.isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
		assertThat(Files.exists(dir.resolve("..data_tmp"))).isFalse();
	}

	@Test
	void updateSwapsDirectoryAndRemovesOldOne() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"));
		volume.write(Map.of("a", "1", "b", "2"));
		String first = volume.currentVersionDirectory();
		volume.write(Map.of("a", "1", "c", "3"));
		String second = volume.currentVersionDirectory();
		assertThat(second).isNotEqualTo(first);
		assertThat(Files.exists(volume.directory().resolve(first))).isFalse();
		assertThat(Files.exists(volume.path("b"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
		assertThat(Files.readString(volume.path("c"))).isEqualTo("3");
	}

	@Test
	void resyncWithUnchangedPayloadWritesNothing() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"));
		volume.write(Map.of("a", "1"));
		String first = volume.currentVersionDirectory();
		volume.resync();
		assertThat(volume.currentVersionDirectory()).isEqualTo(first);
		volume.rewriteUnchanged();
		assertThat(volume.currentVersionDirectory()).isNotEqualTo(first);
	}

	@Test
	void secretFilesAreOwnerReadOnly() throws Exception {
		KubeletVolume volume = KubeletVolume.secret(this.temp.resolve("secret"));
		volume.write(Map.of("password", "s3cret"));
		assertThat(Files.getPosixFilePermissions(volume.path("password")))
			.isEqualTo(PosixFilePermissions.fromString("r--------"));
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void watchServiceSeesTheKubeletSequence() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"));
		volume.write(Map.of("config.yaml", "a: 1\n", "old", "x"));
		String oldTs = volume.currentVersionDirectory();
		try (WatchService watchService = FileSystems.getDefault().newWatchService()) {
			volume.directory()
				.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
						StandardWatchEventKinds.ENTRY_DELETE);
			volume.write(Map.of("config.yaml", "a: 2\n", "new", "y"));
			String newTs = volume.currentVersionDirectory();
			List<String> events = new ArrayList<>();
			while (events.size() < 8) {
				WatchKey key = watchService.poll(5, TimeUnit.SECONDS);
				if (key == null) {
					break;
				}
				for (WatchEvent<?> event : key.pollEvents()) {
					events.add(event.kind().name() + " " + event.context());
				}
				key.reset();
			}
			assertThat(events).containsExactly("ENTRY_CREATE " + newTs, "ENTRY_MODIFY " + newTs,
					"ENTRY_CREATE ..data_tmp", "ENTRY_DELETE ..data_tmp", "ENTRY_CREATE ..data", "ENTRY_CREATE new",
					"ENTRY_DELETE old", "ENTRY_DELETE " + oldTs);
		}
	}

}
