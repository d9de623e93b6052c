package io.configlag.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole benchmark with tiny settings to prove that it still works. Asserts only
 * that every section produced numbers, never their size.
 */
class LagBenchmarkSmokeTests {

	@TempDir
	Path output;

	@Test
	void everySectionProducesNumbers() throws Exception {
		Path results = this.output.resolve("benchmark-results.md");
		BenchmarkOptions options = new BenchmarkOptions(5, 2, Duration.ofMillis(20), 20, 5, 2, 3, 50, 5, 2,
				Duration.ofSeconds(1), results);
		Report report = LagBenchmark.run(options);
		assertThat(report.rows()).extracting(Report.Row::section)
			.anyMatch((section) -> section.startsWith("1. Lag, native"))
			.anyMatch((section) -> section.startsWith("1. Lag, polling"))
			.anyMatch((section) -> section.startsWith("2. Refresh cost"))
			.anyMatch((section) -> section.startsWith("3. Scale, 50 keys in 5 files"))
			.anyMatch((section) -> section.startsWith("3. Scale, 50 keys in 1 file"))
			.anyMatch((section) -> section.startsWith("4. Idle"));
		// strace is optional: without it the system calls of a poll are not traced
		assertThat(report.rows()).filteredOn((row) -> !row.measured().startsWith("not traced"))
			.allSatisfy((row) -> assertThat(row.measured()).containsPattern("\\d"));
		assertThat(report.rows()).filteredOn((row) -> !row.target().isEmpty())
			.extracting(Report.Row::verdict)
			.doesNotContain(Report.Verdict.NONE);
		assertThat(Files.readString(results)).contains("| Section | Metric | Measured | Target | Result |")
			.contains("Spring Boot 4.0");
	}

}
