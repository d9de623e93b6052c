package io.configlag.benchmark;

import java.util.Collection;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every JMH benchmark once, in this JVM, to prove that it still works: each setup
 * checks what it measures (the sources agree, each reload has the expected outcome and
 * keys). Asserts only that every benchmark produced a number, never its size.
 */
class MicroBenchmarksSmokeTests {

	@Test
	void everyBenchmarkProducesANumber() throws Exception {
		Options options = new OptionsBuilder().include(PropertyLookupBenchmark.class.getName())
			.include(ReloadBenchmark.class.getName())
			.include(BootBaselineBenchmark.class.getName())
			.param("format", "properties")
			.forks(0)
			.mode(Mode.SingleShotTime)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementBatchSize(2)
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> results = new Runner(options).run();
		assertThat(results).extracting((result) -> result.getParams().getBenchmark())
			.contains(PropertyLookupBenchmark.class.getName() + ".mountedSource",
					PropertyLookupBenchmark.class.getName() + ".bootSource",
					PropertyLookupBenchmark.class.getName() + ".mountedEnvironment",
					PropertyLookupBenchmark.class.getName() + ".bootEnvironment",
					ReloadBenchmark.class.getName() + ".reload", BootBaselineBenchmark.class.getName() + ".bootLoader",
					BootBaselineBenchmark.class.getName() + ".bootBinder",
					BootBaselineBenchmark.class.getName() + ".fixtureSwap");
		assertThat(results).hasSize(10)
			.allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isFinite().isPositive());
	}

}
