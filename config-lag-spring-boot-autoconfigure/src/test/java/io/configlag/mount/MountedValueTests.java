package io.configlag.mount;

import io.configlag.test.KubeletVolume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.TextResourceOrigin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values kept compactly in a snapshot still give Spring Boot their value and origin.
 */
class MountedValueTests {

	@TempDir
	Path root;

	@Test
	void propertiesAndYamlValuesKeepTheirTypeAndOrigin() throws IOException {
		KubeletVolume volume = KubeletVolume.configMap(this.root.resolve("config"));
		volume.write(Map.of("application.properties", "a=1\nb.c=two\n", "app.yaml", "x:\n  port: 8080\n  enabled: true\n",
				"plain-key", "tree value\n"));
		MountedConfigReader reader = new MountedConfigReader(List.of(WatchedPath.of(volume.directory().toString())),
				1024 * 1024, (profiles) -> false);
		MountedConfigPropertySource source = new MountedConfigPropertySource(reader.read());
		assertThat(source.getProperty("b.c")).isEqualTo("two");
		assertThat(source.getProperty("x.port")).isEqualTo(8080);
		assertThat(source.getProperty("x.enabled")).isEqualTo(true);
		assertThat(source.getProperty("plain-key")).isEqualTo("tree value");
		assertOrigin(source.getOrigin("b.c"), "application.properties", 1, 4);
		assertOrigin(source.getOrigin("x.port"), "app.yaml", 1, 8);
		assertThat(source.getOrigin("plain-key")).isNull();
		assertThat(ConfigSnapshot.asString(source.getSource().value("x.port"))).isEqualTo("8080");
	}

	private void assertOrigin(Origin origin, String file, int line, int column) {
		assertThat(origin).isInstanceOfSatisfying(TextResourceOrigin.class, (text) -> {
			assertThat(text.getResource().getFilename()).isEqualTo(file);
			assertThat(text.getLocation().getLine()).isEqualTo(line);
			assertThat(text.getLocation().getColumn()).isEqualTo(column);
		});
	}

}
