package io.configlag.mount;

import io.configlag.test.KubeletVolume;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.TextResourceOrigin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Re-parsing only the changed lines of a properties file gives exactly what parsing the
 * whole file gives: the same keys in the same order, the same values and the same
 * origins. Checked against a reader without history, on edits written through the kubelet
 * fixture.
 */
class ChangedLinesParserTests {

	private static final String FILE = "application.properties";

	private static final String[] LINES = { "app.name=demo", "app.size = 42", "app.color:red", "  indented.key=v",
			"# a comment", "! another comment", "", "   ", "multi.line=first \\", "   second", "escaped\\ key=x",
			"list[]=1,2", "dup=1", "dup=2", "#---", "!---", "=no key", "\\u0041bc=unicode", "even.backslashes=a\\\\",
			"spring.config.activate.on-profile=never", "# comment ending with a backslash \\", "tab\tseparated",
			"app.url=http://example.com:8080/a=b", "empty.value=", "crlf.value=1\r", "app.note=caf\u00e9" };

	private static final String TYPED = "\\\n= #x:\t!-[]";

	@TempDir
	Path root;

	private KubeletVolume volume;

	private MountedConfigReader reader;

	@BeforeEach
	void setUp() {
		this.volume = KubeletVolume.configMap(this.root.resolve("config"));
		this.reader = newReader();
	}

	@Test
	void aOneLineChangeIsParsedFromThePreviousVersion() {
		write(numbered(650, 7, "v1"));
		ConfigSnapshot snapshot = write(numbered(650, 7, "v2"));
		assertThat(this.reader.changedLines().partialParses()).isEqualTo(1);
		assertThat(snapshot.value("svc-007.value")).isEqualTo("v2");
		assertSameAsFullParse(snapshot);
	}

	@Test
	void linesInsertedAndRemovedShiftTheOriginsOfTheLinesAfterThem() {
		write("a=1\nb=2\nc=3\n");
		ConfigSnapshot inserted = write("a=1\nnew.one=x\nnew.two=y\nb=2\nc=3\n");
		assertThat(line(inserted, "c")).isEqualTo(4);
		assertSameAsFullParse(inserted);
		ConfigSnapshot removed = write("a=1\nc=3\n");
		assertThat(line(removed, "c")).isEqualTo(1);
		assertSameAsFullParse(removed);
		assertThat(this.reader.changedLines().partialParses()).isEqualTo(2);
	}

	@Test
	void aContinuedValueIsParsedWhole() {
		write("a=1\nlong=one \\\n  two \\\n  three\nz=9\n");
		ConfigSnapshot snapshot = write("a=1\nlong=one \\\n  TWO \\\n  three\nz=9\n");
		assertThat(snapshot.value("long")).isEqualTo("one TWO three");
		assertSameAsFullParse(snapshot);
	}

	@Test
	void aDuplicateKeyInTheChangedLinesFallsBackToAFullParse() {
		write("a=1\nb=2\nc=3\n");
		ConfigSnapshot snapshot = write("a=1\nb=2\na=again\nc=3\n");
		assertThat(snapshot.value("a")).isEqualTo("again");
		assertSameAsFullParse(snapshot);
		assertThat(this.reader.changedLines().partialParses()).isZero();
	}

	@Test
	void anUnchangedFileIsTakenWholeFromThePreviousVersion() {
		write(Map.of(FILE, "a=1\nb=2", "other.properties", "x=1\n"));
		ConfigSnapshot snapshot = write(Map.of(FILE, "a=1\nb=2", "other.properties", "x=2\n"));
		assertThat(this.reader.changedLines().partialParses()).isEqualTo(2);
		assertSameAsFullParse(snapshot);
	}

	@Test
	void aDeletedFileIsForgotten() {
		write(Map.of(FILE, "a=1\n", "other.properties", "x=1\n"));
		assertThat(this.reader.changedLines().remembered()).isEqualTo(2);
		ConfigSnapshot snapshot = write(Map.of(FILE, "a=2\n"));
		assertThat(this.reader.changedLines().remembered()).isEqualTo(1);
		assertThat(snapshot.names()).containsExactly("a");
		assertSameAsFullParse(snapshot);
	}

	@Test
	void randomEditsGiveWhatAFullParseGives() {
		long seed = Long.getLong("configlag.fuzz.seed", 20261124L);
		int iterations = Integer.getInteger("configlag.fuzz.iterations", 400);
		Random random = new Random(seed);
		List<String> lines = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			lines.add("key." + i + "=value " + i);
		}
		for (int i = 0; i < iterations; i++) {
			edit(random, lines);
			String content = String.join("\n", lines) + (random.nextInt(10) == 0 ? "" : "\n");
			this.volume.write(Map.of(FILE, content));
			ConfigSnapshot expected;
			try {
				expected = newReader().read();
			}
			catch (ConfigLoadException ex) {
				assertThatExceptionOfType(ConfigLoadException.class).as("seed %d, iteration %d", seed, i)
					.isThrownBy(this.reader::read);
				continue;
			}
			assertSame(this.reader.read(), expected, "seed " + seed + ", iteration " + i + ":\n" + content);
		}
		assertThat(this.reader.changedLines().partialParses()).as("edits parsed from the previous version")
			.isGreaterThan(iterations / 4);
	}

	private static void edit(Random random, List<String> lines) {
		int edits = 1 + random.nextInt(3);
		for (int e = 0; e < edits; e++) {
			int at = lines.isEmpty() ? 0 : random.nextInt(lines.size());
			String line = (random.nextInt(6) == 0) ? LINES[random.nextInt(LINES.length)]
					: "key." + random.nextInt(40) + "=value " + random.nextInt(1000);
			switch (random.nextInt(5)) {
				case 0 -> lines.add(at, line);
				case 4 -> {
					// A single character typed or deleted anywhere, line breaks included
					if (!lines.isEmpty()) {
						StringBuilder edited = new StringBuilder(lines.get(at));
						int position = random.nextInt(edited.length() + 1);
						if (random.nextBoolean() && position < edited.length()) {
							edited.deleteCharAt(position);
						}
						else {
							edited.insert(position, TYPED.charAt(random.nextInt(TYPED.length())));
						}
						lines.set(at, edited.toString());
					}
				}
				case 1 -> {
					if (!lines.isEmpty()) {
						lines.remove(at);
					}
				}
				default -> {
					if (lines.isEmpty()) {
						lines.add(line);
					}
					else {
						lines.set(at, line);
					}
				}
			}
		}
		if (random.nextInt(3) == 0) {
			// Take out an unusual line now and then, so that the file keeps coming back to
			// a shape that can be parsed from its previous version
			lines.stream().filter((line) -> !line.startsWith("key.")).findAny().ifPresent(lines::remove);
		}
		if (lines.isEmpty()) {
			lines.add("key.0=value");
		}
	}

	private void assertSameAsFullParse(ConfigSnapshot snapshot) {
		assertSame(snapshot, newReader().read(), "");
	}

	private static void assertSame(ConfigSnapshot actual, ConfigSnapshot expected, String description) {
		assertThat(actual.names()).as(description).containsExactly(expected.names());
		for (String name : expected.names()) {
			assertThat(actual.value(name)).as(description + " value of " + name).isEqualTo(expected.value(name));
			assertThat(describe(actual.origin(name))).as(description + " origin of " + name)
				.isEqualTo(describe(expected.origin(name)));
		}
		assertThat(actual.version()).isEqualTo(expected.version());
	}

	private static String describe(Origin origin) {
		if (origin instanceof TextResourceOrigin text) {
			return text.getResource().getDescription() + " " + text.getLocation();
		}
		return String.valueOf(origin);
	}

	private static int line(ConfigSnapshot snapshot, String name) {
		return ((TextResourceOrigin) snapshot.origin(name)).getLocation().getLine();
	}

	private static String numbered(int keys, int changed, String value) {
		StringBuilder content = new StringBuilder();
		for (int i = 0; i < keys; i++) {
			content.append(String.format("svc-%03d.value=%s", i, (i == changed) ? value : "value of " + i)).append('\n');
		}
		return content.toString();
	}

	private ConfigSnapshot write(String properties) {
		return write(Map.of(FILE, properties));
	}

	private ConfigSnapshot write(Map<String, String> files) {
		this.volume.write(files);
		return this.reader.read();
	}

	private MountedConfigReader newReader() {
		return new MountedConfigReader(List.of(WatchedPath.of(this.volume.directory().toString())), 1024 * 1024,
				(profiles) -> false);
	}

}
