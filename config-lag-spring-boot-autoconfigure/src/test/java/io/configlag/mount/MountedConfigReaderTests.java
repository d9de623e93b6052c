package io.configlag.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import io.configlag.mount.ConfigSnapshot.PathKind;
import io.configlag.mount.ConfigSnapshot.PathState;
import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.env.ConfigTreePropertySource;
import org.springframework.boot.env.ConfigTreePropertySource.Option;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MountedConfigReader}.
 */
@InjectsFaults
class MountedConfigReaderTests {

	@TempDir
	Path temp;

	private ConfigSnapshot read(String... locations) {
		return new MountedConfigReader(WatchedPath.of(List.of(locations)), 1024 * 1024, new StandardEnvironment())
			.read();
	}

	@Test
	void readsYamlPropertiesAndConfigTreeFromAKubeletVolume() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: yaml\n  list:\n    - a\n    - b\n", "extra.properties",
					"app.count=3\n", "app.token", "abc\n"));
		ConfigSnapshot snapshot = read(volume.directory().toString());
		assertThat(snapshot.getString("app.name")).isEqualTo("yaml");
		assertThat(snapshot.getString("app.list[1]")).isEqualTo("b");
		assertThat(snapshot.getString("app.count")).isEqualTo("3");
		assertThat(snapshot.getString("app.token")).isEqualTo("abc");
		assertThat(snapshot.properties()).doesNotContainKeys("..data", "config.yaml");
		PathState state = snapshot.paths().get(0);
		assertThat(state.kind()).isEqualTo(PathKind.DIRECTORY);
		assertThat(state.kubeletVolume()).isTrue();
		assertThat(state.keys()).isEqualTo(snapshot.properties().size());
		assertThat(state.writtenAt()).isNotNull();
	}

	@Test
	void keyOfAKubeletVolumeWhoseLinkWasReplacedByAFileIsReadFromThatFile() throws Exception {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: kubelet\n", "other.yaml", "app:\n  other: kept\n"));
		// An in-place edit such as sed -i renames a new file over the key's link
		Path edited = Files.writeString(this.temp.resolve("edited.yaml"), "app:\n  name: edited\n");
		Files.move(edited, volume.path("config.yaml"), StandardCopyOption.REPLACE_EXISTING);
		ConfigSnapshot directory = read(volume.directory().toString());
		assertThat(directory.getString("app.name")).isEqualTo("edited");
		assertThat(directory.getString("app.other")).isEqualTo("kept");
		ConfigSnapshot file = read(volume.path("config.yaml").toString());
		assertThat(file.getString("app.name")).isEqualTo("edited");
	}

	@Test
	void configTreeEntriesAreReadExactlyAsBootsConfigTreeReadsThem() throws Exception {
		Path tree = Files.createDirectories(this.temp.resolve("tree"));
		Files.writeString(tree.resolve("single"), "value\n");
		Files.writeString(tree.resolve("windows"), "value\r\n");
		Files.writeString(tree.resolve("multi"), "line1\nline2\n");
		Files.writeString(tree.resolve("empty"), "");
		Files.writeString(tree.resolve("spaces"), "  padded  ");
		Files.createDirectories(tree.resolve("nested/deeper"));
		Files.writeString(tree.resolve("nested/deeper/key"), "n\n");
		ConfigTreePropertySource boot = new ConfigTreePropertySource("boot", tree, Option.AUTO_TRIM_TRAILING_NEW_LINE);
		ConfigSnapshot ours = read(tree.toString());
		assertThat(ours.properties().keySet()).containsExactlyInAnyOrder(boot.getPropertyNames());
		for (String name : boot.getPropertyNames()) {
			assertThat(ours.getString(name)).as(name).isEqualTo(boot.getProperty(name).toString());
		}
	}

	@Test
	void multiDocumentYamlLaterDocumentsWinAndProfilesAreHonoured() throws Exception {
		Path file = Files.writeString(this.temp.resolve("app.yaml"), """
				app:
				  name: first
				  count: 1
				---
				app:
				  name: second
				---
				spring:
				  config:
				    activate:
				      on-profile: prod
				app:
				  name: production
				""");
		ConfigSnapshot snapshot = read(file.toString());
		assertThat(snapshot.getString("app.name")).isEqualTo("second");
		assertThat(snapshot.getString("app.count")).isEqualTo("1");
		assertThat(snapshot.properties()).doesNotContainKey("spring.config.activate.on-profile");
		StandardEnvironment environment = new StandardEnvironment();
		environment.setActiveProfiles("prod");
		ConfigSnapshot prod = new MountedConfigReader(WatchedPath.of(List.of(file.toString())), 1024 * 1024,
				environment)
			.read();
		assertThat(prod.getString("app.name")).isEqualTo("production");
	}

	@Test
	void hiddenFilesAndDirectoriesAreNeverKeys() throws Exception {
		Path directory = Files.createDirectories(this.temp.resolve("plain"));
		Files.writeString(directory.resolve(".config.yaml.swp"), "binary\0junk");
		Files.createDirectories(directory.resolve(".git"));
		Files.writeString(directory.resolve(".git/HEAD"), "ref");
		Files.writeString(directory.resolve("key"), "v");
		assertThat(read(directory.toString()).properties()).containsOnlyKeys("key");
	}

	@Test
	void singleFileInsideAKubeletVolumeIsReadThroughData() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "a: 1\n", "other.yaml", "b: 2\n"));
		ConfigSnapshot snapshot = read(volume.path("config.yaml").toString());
		assertThat(snapshot.properties()).containsOnlyKeys("a");
		assertThat(snapshot.paths().get(0).kind()).isEqualTo(PathKind.FILE);
		assertThat(snapshot.paths().get(0).kubeletVolume()).isTrue();
	}

	@Test
	void laterPathsOverrideEarlierOnes() throws Exception {
		Path first = Files.writeString(this.temp.resolve("first.yaml"), "a: 1\nb: 1\n");
		Path second = Files.writeString(this.temp.resolve("second.yaml"), "b: 2\n");
		ConfigSnapshot snapshot = read(first.toString(), second.toString());
		assertThat(snapshot.getString("a")).isEqualTo("1");
		assertThat(snapshot.getString("b")).isEqualTo("2");
	}

	@Test
	void versionDependsOnContentOnly() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config")).write(Map.of("a", "1"));
		String version = read(volume.directory().toString()).version();
		volume.rewriteUnchanged();
		assertThat(read(volume.directory().toString()).version()).isEqualTo(version).hasSize(12);
		volume.update("a", "2");
		assertThat(read(volume.directory().toString()).version()).isNotEqualTo(version);
	}

	@Test
	void fileWhoseContentIsUnchangedIsNotParsedAgain() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("a.properties", "a.value=1\n", "b.yaml", "b:\n  value: 2\n"));
		MountedConfigReader reader = new MountedConfigReader(WatchedPath.of(List.of(volume.directory().toString())),
				1024 * 1024, new StandardEnvironment());
		ConfigSnapshot first = reader.read();
		volume.rewriteUnchanged();
		ConfigSnapshot unchanged = reader.read();
		assertThat(unchanged.version()).isEqualTo(first.version());
		assertThat(unchanged.properties().get("a.value")).isSameAs(first.properties().get("a.value"));
		assertThat(unchanged.properties().get("b.value")).isSameAs(first.properties().get("b.value"));
		volume.update("a.properties", "a.value=3\n");
		ConfigSnapshot changed = reader.read();
		assertThat(changed.getString("a.value")).isEqualTo("3");
		assertThat(changed.properties().get("b.value")).isSameAs(first.properties().get("b.value"));
	}

	@Test
	void originsPointAtTheUserVisibleFileAndLine() {
		KubeletVolume volume = KubeletVolume.configMap(this.temp.resolve("config"))
			.write(Map.of("config.yaml", "app:\n  name: x\n"));
		ConfigSnapshot snapshot = read(volume.directory().toString());
		Origin origin = new MountedConfigPropertySource(snapshot).getOrigin("app.name");
		assertThat(origin).isInstanceOf(TextResourceOrigin.class);
		assertThat(origin.toString()).contains(volume.path("config.yaml").toString()).contains("2:9");
	}

	@Test
	void missingPathIsAClearError() {
		Path missing = this.temp.resolve("nope");
		assertThatExceptionOfType(ConfigLoadException.class).isThrownBy(() -> read(missing.toString()))
			.withMessageContaining(missing.toString())
			.withMessageContaining("optional:");
	}

	@Test
	void missingOptionalPathIsEmpty() {
		ConfigSnapshot snapshot = read("optional:" + this.temp.resolve("nope"));
		assertThat(snapshot.properties()).isEmpty();
		assertThat(snapshot.paths().get(0).kind()).isEqualTo(PathKind.MISSING);
	}

	@Test
	void invalidYamlNamesFileAndLineButNotTheContent() throws Exception {
		Path file = Files.writeString(this.temp.resolve("bad.yaml"), "a: 1\npassword: [hunter2\n");
		assertThatExceptionOfType(ConfigLoadException.class).isThrownBy(() -> read(file.toString()))
			.withMessageContaining(file.toString())
			.withMessageContaining("line")
			.withMessageNotContaining("hunter2")
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(file));
	}

}
