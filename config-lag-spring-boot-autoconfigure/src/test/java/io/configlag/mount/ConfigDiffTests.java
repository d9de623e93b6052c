package io.configlag.mount;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigDiff}.
 *
 * @author The config-lag developers
 */
class ConfigDiffTests {

	@Test
	void addedChangedAndRemovedKeysInOrder() {
		ConfigSnapshot before = snapshot(Map.of("keep", "1", "change", "2", "remove", "3", "longer", "ab"));
		ConfigSnapshot after = snapshot(Map.of("keep", "1", "change", "20", "add", "4", "longer", "abc"));
		ConfigDiff diff = ConfigDiff.between(before, after);
		assertThat(diff.added()).containsExactly("add");
		assertThat(diff.changed()).containsExactlyInAnyOrder("change", "longer");
		assertThat(diff.removed()).containsExactly("remove");
		assertThat(diff.isEmpty()).isFalse();
	}

	@Test
	void keysAreReportedInSnapshotOrder() {
		Map<String, Object> before = new LinkedHashMap<>();
		Map<String, Object> after = new LinkedHashMap<>();
		for (int i = 0; i < 100; i++) {
			before.put("key." + i, "v" + i);
			after.put("key." + (99 - i), "w" + (99 - i));
		}
		ConfigDiff diff = ConfigDiff.between(snapshot(before), snapshot(after));
		assertThat(diff.changed()).containsExactlyElementsOf(after.keySet());
	}

	@Test
	void valuesCompareAsStringsWhateverTheirTypeOrOrigin() {
		ByteArrayResource first = new ByteArrayResource(new byte[0], "first");
		ByteArrayResource second = new ByteArrayResource(new byte[0], "second");
		Map<String, Object> before = new LinkedHashMap<>();
		before.put("port", 8080);
		before.put("enabled", "true");
		before.put("moved", OriginTrackedValue.of("same", new TextResourceOrigin(first, new Location(1, 2))));
		before.put("empty", "");
		before.put("unicode", "日本語");
		Map<String, Object> after = new LinkedHashMap<>();
		after.put("port", "8080");
		after.put("enabled", true);
		after.put("moved", OriginTrackedValue.of("same", new TextResourceOrigin(second, new Location(7, 0))));
		after.put("empty", "");
		after.put("unicode", "日本語");
		assertThat(ConfigDiff.between(snapshot(before), snapshot(after)).isEmpty()).isTrue();
		after.put("unicode", "日本人");
		after.put("empty", " ");
		after.put("port", 8081);
		assertThat(ConfigDiff.between(snapshot(before), snapshot(after)).changed()).containsExactlyInAnyOrder("unicode",
				"empty", "port");
	}

	@Test
	void fromAndToNothing() {
		ConfigSnapshot some = snapshot(Map.of("a", "1"));
		assertThat(ConfigDiff.between(ConfigSnapshot.EMPTY, some).added()).containsExactly("a");
		assertThat(ConfigDiff.between(some, ConfigSnapshot.EMPTY).removed()).containsExactly("a");
		assertThat(ConfigDiff.between(ConfigSnapshot.EMPTY, ConfigSnapshot.EMPTY).isEmpty()).isTrue();
	}

	private static ConfigSnapshot snapshot(Map<String, Object> properties) {
		return new ConfigSnapshot(properties, "test", List.of());
	}

}
