package io.configlag.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CompactProperties}: the store behaves like the {@link LinkedHashMap}
 * of {@link MountedValue}s it replaces, and gives the values and origins Spring Boot's
 * loaders gave.
 *
 * @author config-lag
 */
class CompactPropertiesTests {

	@TempDir
	Path temp;

	@Test
	void mapViewBehavesLikeTheLinkedHashMapItReplaces() throws IOException {
		Map<String, Object> properties = load("application.properties", "a=1\nb.c=two\nempty=\nd=4\n");
		Map<String, Object> yaml = load("app.yaml", "x:\n  port: 8080\n  enabled: true\n  name: yaml\nb:\n  c: three\n");
		Map<String, Object> tree = Map.of("tree.key", "tree value");
		CompactProperties store = new CompactProperties.Builder().putAll(properties)
			.putAll(yaml)
			.putAll(tree)
			.build();
		Map<String, Object> reference = reference(properties, yaml, tree);
		assertMapContract(store, reference);
		assertThat(store.get("b.c")).isInstanceOf(MountedValue.class);
		assertThat(store.get("tree.key")).isEqualTo("tree value");
	}

	@Test
	void laterValueOfAKeyWinsAndKeepsTheFirstPosition() throws IOException {
		Map<String, Object> first = load("first.properties", "a=1\nb=2\nc=3\n");
		Map<String, Object> second = load("second.properties", "c=30\nd=40\na=10\n");
		CompactProperties store = new CompactProperties.Builder().putAll(first).putAll(second).build();
		assertThat(store.names()).containsExactly("a", "b", "c", "d");
		assertThat(store.value("a")).isEqualTo("10");
		assertThat(store.value("b")).isEqualTo("2");
		assertThat(store.value("c")).isEqualTo("30");
		assertThat(originOf(store.origin("a")).getResource().getFilename()).isEqualTo("second.properties");
		assertThat(originOf(store.origin("b")).getResource().getFilename()).isEqualTo("first.properties");
		assertMapContract(store, reference(first, second));
	}

	@Test
	void keysWithValueContainingFindMatchesWithinOneValueOnly() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("plain", "no placeholder");
		properties.put("ends", "trailing $");
		properties.put("starts", "{not one} across two values");
		properties.put("one", "http://${app.host}/");
		properties.put("empty", "");
		properties.put("port", 8080);
		properties.put("two", "${a}${b}");
		properties.put("last", "${c}");
		CompactProperties store = new CompactProperties.Builder().putAll(properties).build();
		assertThat(store.keysWithValueContaining("${")).containsExactlyInAnyOrder("one", "two", "last");
		assertThat(store.keysWithValueContaining("8080")).containsExactly("port");
		assertThat(store.keysWithValueContaining("absent")).isEmpty();
		assertThat(CompactProperties.EMPTY.keysWithValueContaining("${")).isEmpty();
	}

	@Test
	void emptyStore() {
		for (CompactProperties store : List.of(CompactProperties.EMPTY, new CompactProperties.Builder().build())) {
			assertThat(store).isEmpty();
			assertThat(store.size()).isZero();
			assertThat(store.names()).isEmpty();
			assertThat(store.value("a")).isNull();
			assertThat(store.origin("a")).isNull();
			assertThat(store.getString("a")).isNull();
			assertThat(store.indexOf("a")).isEqualTo(-1);
			assertThat(store.containsKey(null)).isFalse();
			assertThat(store.entrySet()).isEmpty();
			assertThat(store).isEqualTo(Map.of());
			assertThat(store.hashCode()).isZero();
		}
	}

	@Test
	void valuesOutsideLatin1() throws IOException {
		// Spring Boot reads properties files as ISO-8859-1: other characters are escaped
		Map<String, Object> properties = load("unicode.properties",
				"ascii=plain\ngerman=Gr\\u00fc\\u00dfe\njapanese=\\u65e5\\u672c\\u8a9e\n"
						+ "emoji=smile \\ud83d\\ude00 end\n");
		Map<String, Object> yaml = load("unicode.yaml", "yaml:\n  japanese: 日本語の値\n  latin: Grüße\n");
		CompactProperties store = new CompactProperties.Builder().putAll(properties).putAll(yaml).build();
		assertThat(store.value("ascii")).isEqualTo("plain");
		assertThat(store.value("german")).isEqualTo("Grüße");
		assertThat(store.value("japanese")).isEqualTo("日本語");
		assertThat(store.value("emoji")).isEqualTo("smile 😀 end");
		assertThat(store.value("yaml.japanese")).isEqualTo("日本語の値");
		assertThat(store.value("yaml.latin")).isEqualTo("Grüße");
		assertMapContract(store, reference(properties, yaml));
		CompactProperties same = new CompactProperties.Builder().putAll(properties).putAll(yaml).build();
		for (int i = 0; i < store.size(); i++) {
			assertThat(store.sameString(i, same, i)).as(store.keyAt(i)).isTrue();
		}
		CompactProperties other = new CompactProperties.Builder()
			.putAll(load("other.yaml", "japanese: 日本語の他\nemoji: smile 😁 end\nascii: plain\n"))
			.build();
		assertThat(store.sameString(store.indexOf("japanese"), other, other.indexOf("japanese"))).isFalse();
		assertThat(store.sameString(store.indexOf("emoji"), other, other.indexOf("emoji"))).isFalse();
		assertThat(store.sameString(store.indexOf("ascii"), other, other.indexOf("ascii"))).isTrue();
	}

	@Test
	void emptyStringValues() throws IOException {
		Map<String, Object> properties = load("empty.properties", "first=\nmiddle=x\nsecond=\nlast=\n");
		CompactProperties store = new CompactProperties.Builder().putAll(properties).build();
		assertThat(store.value("first")).isEqualTo("");
		assertThat(store.value("middle")).isEqualTo("x");
		assertThat(store.value("second")).isEqualTo("");
		assertThat(store.value("last")).isEqualTo("");
		assertThat(store.getString("last")).isEqualTo("");
		assertThat(store.origin("second")).isEqualTo(bootOrigin(properties, "second"));
		assertMapContract(store, reference(properties));
		CompactProperties changed = new CompactProperties.Builder()
			.putAll(load("changed.properties", "first=x\nmiddle=\nsecond=\n"))
			.build();
		assertThat(store.sameString(store.indexOf("first"), changed, changed.indexOf("first"))).isFalse();
		assertThat(store.sameString(store.indexOf("middle"), changed, changed.indexOf("middle"))).isFalse();
		assertThat(store.sameString(store.indexOf("second"), changed, changed.indexOf("second"))).isTrue();
	}

	@Test
	void typedYamlValuesKeepTheirTypeAndOrigin() throws IOException {
		Map<String, Object> yaml = load("typed.yaml", """
				server:
				  port: 8080
				  ratio: 0.75
				  enabled: true
				  name: "quoted"
				  plain: text
				  empty:
				  list:
				    - 1
				    - two
				""");
		CompactProperties store = new CompactProperties.Builder().putAll(yaml).build();
		assertThat(store.value("server.port")).isEqualTo(8080);
		assertThat(store.value("server.ratio")).isEqualTo(0.75);
		assertThat(store.value("server.enabled")).isEqualTo(true);
		assertThat(store.value("server.name")).isEqualTo("quoted");
		assertThat(store.value("server.list[0]")).isEqualTo(1);
		assertThat(store.value("server.list[1]")).isEqualTo("two");
		assertThat(store.getString("server.port")).isEqualTo("8080");
		for (String name : yaml.keySet()) {
			assertThat(store.value(name)).as(name).isEqualTo(((OriginTrackedValue) yaml.get(name)).getValue());
			assertThat(store.origin(name)).as(name).isEqualTo(bootOrigin(yaml, name));
		}
		assertMapContract(store, reference(yaml));
	}

	@Test
	void originsEqualThoseOfBootsPropertiesLoader() throws IOException {
		StringBuilder content = new StringBuilder("# comment\n\n");
		content.append("a=1\n").append("  indented = value\n").append("multi=first \\\n   second\n");
		content.append("colon:value\n").append("spaced key\\ name=v\n").append("x".repeat(3000)).append("=far\n");
		for (int i = 0; i < 500; i++) {
			content.append("key.").append(i).append('=').append("value-").append(i).append('\n');
		}
		Map<String, Object> properties = load("origins.properties", content.toString());
		CompactProperties store = new CompactProperties.Builder().putAll(properties).build();
		assertThat(store.size()).isEqualTo(properties.size());
		for (String name : properties.keySet()) {
			Origin boot = bootOrigin(properties, name);
			Origin ours = store.origin(name);
			assertThat(ours).as(name).isEqualTo(boot);
			assertThat(boot).as(name).isEqualTo(ours);
			assertThat(ours).as(name).hasSameHashCodeAs(boot);
			assertThat(ours).as(name).hasToString(boot.toString());
			assertThat(store.value(name)).as(name).isEqualTo(((OriginTrackedValue) properties.get(name)).getValue());
		}
		assertThat(originOf(store.origin("x".repeat(3000))).getLocation().getColumn()).isEqualTo(3001);
	}

	@Test
	void positionsOutsideThePackedRangeAreKept() {
		FileSystemResource resource = new FileSystemResource(this.temp.resolve("far.properties"));
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("near", tracked("1", resource, 3, 7));
		values.put("far.line", tracked("2", resource, 5_000_000, 2));
		values.put("far.column", tracked("3", resource, 1, 100_000));
		values.put("max", tracked("4", resource, Integer.MAX_VALUE, Integer.MAX_VALUE));
		values.put("negative", tracked("5", resource, -1, -1));
		values.put("edge", tracked("6", resource, (1 << 20) - 1, 2047));
		CompactProperties store = new CompactProperties.Builder().putAll(values).build();
		for (String name : values.keySet()) {
			assertThat(store.origin(name)).as(name).isEqualTo(((OriginTrackedValue) values.get(name)).getOrigin());
		}
	}

	@Test
	void valuesWithoutATextPositionKeepTheirOwnOrigin() {
		Origin custom = new Origin() {

			@Override
			public String toString() {
				return "custom";
			}

		};
		FileSystemResource resource = new FileSystemResource(this.temp.resolve("a.properties"));
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("custom", OriginTrackedValue.of("c", custom));
		values.put("untracked", OriginTrackedValue.of(42));
		values.put("no.location", OriginTrackedValue.of("n", new TextResourceOrigin(resource, null)));
		values.put("plain", "p");
		values.put("object", 7L);
		CompactProperties store = new CompactProperties.Builder().putAll(values).build();
		assertThat(store.value("custom")).isEqualTo("c");
		assertThat(store.origin("custom")).isSameAs(custom);
		assertThat(store.value("untracked")).isEqualTo(42);
		assertThat(store.origin("untracked")).isNull();
		assertThat(store.value("no.location")).isEqualTo("n");
		assertThat(store.origin("no.location")).isEqualTo(new TextResourceOrigin(resource, null));
		assertThat(store.value("plain")).isEqualTo("p");
		assertThat(store.origin("plain")).isNull();
		assertThat(store.value("object")).isEqualTo(7L);
		assertThat(store.getString("object")).isEqualTo("7");
		assertMapContract(store, reference(values));
		assertThat(store.get("custom")).isSameAs(values.get("custom"));
	}

	@Test
	void valuesCompareByTheirStringForm() {
		CompactProperties strings = new CompactProperties.Builder()
			.putAll(Map.of("port", "8080", "enabled", "true", "one", "1", "ratio", "0.50"))
			.build();
		CompactProperties typed = new CompactProperties.Builder()
			.putAll(Map.of("port", 8080, "enabled", true, "one", 1L, "ratio", 0.5))
			.build();
		CompactProperties ints = new CompactProperties.Builder().putAll(Map.of("one", 1)).build();
		for (String name : List.of("port", "enabled")) {
			assertThat(strings.sameString(strings.indexOf(name), typed, typed.indexOf(name))).as(name).isTrue();
			assertThat(typed.sameString(typed.indexOf(name), strings, strings.indexOf(name))).as(name).isTrue();
		}
		assertThat(strings.sameString(strings.indexOf("ratio"), typed, typed.indexOf("ratio"))).isFalse();
		assertThat(typed.sameString(typed.indexOf("one"), ints, ints.indexOf("one"))).isTrue();
		assertThat(typed.sameString(typed.indexOf("one"), typed, typed.indexOf("port"))).isFalse();
	}

	@Test
	void keysWithCollidingHashCodes() {
		// "Aa" and "BB" have the same hash code, and so has any string made of them
		assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
		for (int bits : new int[] { 5, 9, 11 }) {
			Map<String, Object> values = new LinkedHashMap<>();
			values.put("before", "b");
			for (int i = 0; i < (1 << bits); i++) {
				values.put(colliding(i, bits), "value-" + i);
			}
			values.put("after", "a");
			CompactProperties store = new CompactProperties.Builder().putAll(values).build();
			assertMapContract(store, reference(values));
			assertThat(store.get(colliding(0, bits + 1))).isNull();
			assertThat(store.containsKey("Aa".repeat(bits) + "x")).isFalse();
		}
	}

	@Test
	void manyKeys() {
		Random random = new Random(42);
		Map<String, Object> values = new LinkedHashMap<>();
		for (int i = 0; i < 20_000; i++) {
			values.put("key." + Integer.toHexString(random.nextInt()) + "." + i, "v" + random.nextInt(1000));
		}
		CompactProperties store = new CompactProperties.Builder().putAll(values).build();
		assertMapContract(store, reference(values));
		for (int i = 0; i < 1000; i++) {
			assertThat(store.value("absent." + i)).isNull();
		}
	}

	@Test
	void namesIsANewArrayEachTime() {
		CompactProperties store = new CompactProperties.Builder().putAll(Map.of("a", "1")).build();
		String[] names = store.names();
		names[0] = "changed";
		assertThat(store.names()).containsExactly("a");
	}

	@Test
	void mapViewIsReadOnly() {
		Map<String, Object> store = new CompactProperties.Builder().putAll(Map.of("a", "1", "b", "2")).build();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> store.put("c", "3"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> store.remove("a"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(store::clear);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> store.keySet().removeIf("a"::equals));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> store.entrySet().iterator().next().setValue("x"));
		assertThat(store).hasSize(2);
	}

	@Test
	void nullKeysAndValuesAreRejected() {
		Map<String, Object> nullValue = new LinkedHashMap<>();
		nullValue.put("a", null);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new CompactProperties.Builder().putAll(nullValue));
		Map<String, Object> nullKey = new LinkedHashMap<>();
		nullKey.put(null, "a");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new CompactProperties.Builder().putAll(nullKey));
	}

	private static void assertMapContract(CompactProperties store, Map<String, Object> reference) {
		assertThat(store.size()).isEqualTo(reference.size());
		assertThat(store.isEmpty()).isEqualTo(reference.isEmpty());
		assertThat(store.names()).containsExactlyElementsOf(reference.keySet());
		assertThat(new ArrayList<>(store.keySet())).containsExactlyElementsOf(reference.keySet());
		assertThat(new ArrayList<>(store.entrySet())).containsExactlyElementsOf(reference.entrySet());
		assertThat(new ArrayList<>(store.values())).containsExactlyElementsOf(reference.values());
		int index = 0;
		for (Map.Entry<String, Object> entry : reference.entrySet()) {
			String name = entry.getKey();
			assertThat(store.indexOf(name)).as(name).isEqualTo(index++);
			assertThat(store.containsKey(name)).as(name).isTrue();
			assertThat(store.keySet().contains(name)).as(name).isTrue();
			assertThat(store.entrySet().contains(entry)).as(name).isTrue();
			assertThat(store.get(name)).as(name).isEqualTo(entry.getValue());
			assertThat(store.value(name)).as(name).isEqualTo(MountedValue.unwrap(entry.getValue()));
			assertThat(store.origin(name)).as(name).isEqualTo(MountedValue.originOf(entry.getValue()));
			assertThat(store.getString(name)).as(name).isEqualTo(ConfigSnapshot.asString(entry.getValue()));
			assertThat(store.sameString(store.indexOf(name), store, store.indexOf(name))).as(name).isTrue();
		}
		assertThat(store.containsKey("no.such.key")).isFalse();
		assertThat(store.get("no.such.key")).isNull();
		assertThat(store.containsKey(null)).isFalse();
		assertThat(store.get(null)).isNull();
		assertThat(store.containsKey(1)).isFalse();
		assertThat(store.containsValue(null)).isFalse();
		assertThat(store).isEqualTo(reference);
		assertThat(reference).isEqualTo(store);
		assertThat(store).hasSameHashCodeAs(reference);
	}

	/**
	 * The map the reader built before {@link CompactProperties}: a {@link LinkedHashMap}
	 * of {@link MountedValue}s for values read at a text position.
	 */
	@SafeVarargs
	private static Map<String, Object> reference(Map<String, Object>... sources) {
		Map<String, Object> reference = new LinkedHashMap<>();
		for (Map<String, Object> source : sources) {
			source.forEach((key, value) -> reference.put(key, mounted(value)));
		}
		return reference;
	}

	private static Object mounted(Object value) {
		if (value instanceof OriginTrackedValue tracked && tracked.getOrigin() instanceof TextResourceOrigin origin
				&& origin.getClass() == TextResourceOrigin.class && origin.getResource() != null
				&& origin.getLocation() != null) {
			Location location = origin.getLocation();
			return MountedValue.of(tracked.getValue(), origin.getResource(), location.getLine(),
					location.getColumn());
		}
		return value;
	}

	private static OriginTrackedValue tracked(String value, FileSystemResource resource, int line, int column) {
		return OriginTrackedValue.of(value, new TextResourceOrigin(resource, new Location(line, column)));
	}

	private static String colliding(int index, int bits) {
		StringBuilder key = new StringBuilder();
		for (int bit = 0; bit < bits; bit++) {
			key.append(((index >> bit) & 1) != 0 ? "BB" : "Aa");
		}
		return key.toString();
	}

	private static Origin bootOrigin(Map<String, Object> source, String name) {
		return ((OriginTrackedValue) source.get(name)).getOrigin();
	}

	private static TextResourceOrigin originOf(@Nullable Origin origin) {
		assertThat(origin).isInstanceOf(TextResourceOrigin.class);
		return (TextResourceOrigin) origin;
	}

	private Map<String, Object> load(String name, String content) throws IOException {
		Path file = this.temp.resolve(name);
		Files.write(file, content.getBytes(StandardCharsets.UTF_8));
		PropertySourceLoader loader = name.endsWith(".yaml") ? new YamlPropertySourceLoader()
				: new PropertiesPropertySourceLoader();
		Map<String, Object> result = new LinkedHashMap<>();
		for (PropertySource<?> source : loader.load(name, new FileSystemResource(file))) {
			result.putAll(((OriginTrackedMapPropertySource) source).getSource());
		}
		return result;
	}

}
