/**
 * The config-lag benchmarks: the JMH micro-benchmarks ({@code *Benchmark} classes with
 * JMH annotations, run by {@code run-jmh.sh}) and the end-to-end harness
 * ({@link io.configlag.benchmark.LagBenchmark}, run by {@code run.sh}). Both use only the
 * starter's public API and public Spring APIs.
 */
@NullMarked
package io.configlag.benchmark;

import org.jspecify.annotations.NullMarked;
