package io.configlag.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.configlag.test.InjectsFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * YAML that Spring Boot's loader accepts but cannot survive (recursive aliases, alias
 * expansion bombs, alias chains) is rejected by {@link MountedConfigReader} with a
 * {@link ConfigLoadException}, quickly, and parser messages that carry a value are not
 * repeated.
 */
// A hostile document must not hang the reader: a guard against a hang, not a speed target
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@InjectsFaults
class HostileYamlTests {

	@TempDir
	Path temp;

	@Test
	void recursiveMappingAliasIsRejected() throws Exception {
		assertRejected("a: &x\n  b: *x\n", "at line 1", "alias to itself");
	}

	@Test
	void recursiveSequenceAliasIsRejected() throws Exception {
		assertRejected("a: &x\n  - *x\n", "at line 1", "alias to itself");
	}

	@Test
	void billionLaughsIsRejectedBeforeItExpands() throws Exception {
		assertRejected(laughs(9), "expand it to more than 100000 nodes");
	}

	@Test
	void aliasExpansionJustBelowTheLimitLoads() throws Exception {
		// 10^4 = 10,000 scalars once expanded
		Path file = Files.writeString(this.temp.resolve("laughs.yaml"), laughs(3));
		ConfigSnapshot snapshot = read(file);
		assertThat(snapshot.properties()).hasSize(10 + 100 + 1000 + 10000);
	}

	@Test
	void longAliasChainIsRejected() throws Exception {
		StringBuilder chain = new StringBuilder("a0: &a0 x\n");
		for (int i = 1; i < 30000; i++) {
			chain.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append("]\n");
		}
		assertRejected(chain.toString(), "nest it deeper than 100 levels");
	}

	@Test
	void mergeKeysAndOrdinaryAliasesStillLoad() throws Exception {
		Path file = Files.writeString(this.temp.resolve("merge.yaml"),
				"base: &base\n  x: 1\n  y: 2\nc:\n  <<: *base\n  y: 3\nd: *base\n");
		ConfigSnapshot snapshot = read(file);
		assertThat(snapshot.getString("c.x")).isEqualTo("1");
		assertThat(snapshot.getString("c.y")).isEqualTo("3");
		assertThat(snapshot.getString("d.y")).isEqualTo("2");
	}

	@Test
	void parserMessagesThatCarryTheValueAreNotRepeated() throws Exception {
		assertRejected("password: !!int 'hunter2-secret'\n", "NumberFormatException");
		assertRejected("password: !!float 'hunter2-secret'\n", "NumberFormatException");
		assertRejected("password: !!timestamp 'hunter2-secret'\n", "YAMLException");
	}

	@Test
	void valueFreeParserMessagesAreKept() throws Exception {
		assertRejected("a: " + "[".repeat(60) + "]".repeat(60) + "\n", "Nesting Depth exceeded max 50");
	}

	private void assertRejected(String content, String... expected) throws Exception {
		Path file = Files.writeString(this.temp.resolve("hostile.yaml"), content);
		assertThatExceptionOfType(ConfigLoadException.class).isThrownBy(() -> read(file))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("hostile.yaml")
				.contains(expected)
				.doesNotContain("hunter2-secret"));
	}

	private static String laughs(int levels) {
		StringBuilder yaml = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
		for (int level = 1; level <= levels; level++) {
			yaml.append('l').append(level).append(": &l").append(level).append(" [");
			for (int i = 0; i < 10; i++) {
				yaml.append((i > 0) ? ", " : "").append("*l").append(level - 1);
			}
			yaml.append("]\n");
		}
		return yaml.toString();
	}

	private static ConfigSnapshot read(Path file) {
		return new MountedConfigReader(WatchedPath.of(List.of(file.toString())), 1024 * 1024, new StandardEnvironment())
			.read();
	}

}
