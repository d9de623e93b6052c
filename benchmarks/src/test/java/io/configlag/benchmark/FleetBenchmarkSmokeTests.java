package io.configlag.benchmark;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the fleet figures with a tiny fleet to prove that the harness still works. Asserts
 * only that every scenario produced numbers, never their size.
 */
class FleetBenchmarkSmokeTests {

	@Test
	void everyScenarioProducesNumbers() throws Exception {
		String report = FleetBenchmark.run(2, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(50),
				Duration.ofMillis(500), 1);
		assertThat(report.lines().filter((line) -> line.startsWith("| ") && !line.startsWith("| Scenario")))
			.extracting((line) -> line.substring(2, line.indexOf(" |")))
			.containsExactly("none", "spread", "verify", "spread + verify");
		assertThat(report).containsPattern("\\| verify \\| 0 ms \\| 5000 ms \\| \\d+ ms \\| \\d+% \\(\\d of 2\\) \\|");
	}

}
