package io.configlag.benchmark;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.configlag.ConfigReloadResult;
import io.configlag.ConfigReloadService;
import io.configlag.ReloadOutcome;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One reload through the public {@link ConfigReloadService#reload()}, in an application
 * with {@value MicroFixture#PROPERTIES_BEANS} {@code @ConfigurationProperties} beans
 * whose volume nothing else watches:
 * <ul>
 * <li>{@code change=none}: the volume did not change (read and diff);</li>
 * <li>{@code change=unbound-key}: before each invocation the kubelet fixture swaps in a
 * version in which one key that no bean binds changed (read, diff, publish);</li>
 * <li>{@code change=bean-key}: the same with a key that one
 * {@code @ConfigurationProperties} bean binds (read, diff, rebind of that bean,
 * publish).</li>
 * </ul>
 * The swap is not timed; {@code -prof gc} counts all threads, so the fixture's own
 * allocation is in {@code gc.alloc.rate.norm}: {@link BootBaselineBenchmark#fixtureSwap}
 * measures it alone.
 *
 * @author The config-lag developers
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReloadBenchmark {

	/**
	 * What each reload finds changed: nothing, a key no bean binds, or a bean's key.
	 */
	@Param({ "none", "unbound-key", "bean-key" })
	public String change;

	/**
	 * The format of the mounted file.
	 */
	@Param({ "properties", "yaml" })
	public String format;

	private MicroFixture fixture;

	private ConfigReloadService service;

	private Map<String, String>[] versions;

	private int next;

	private Set<String> expectedKeys;

	private ReloadOutcome expectedOutcome;

	private @Nullable ConfigReloadResult last;

	@Setup(Level.Trial)
	@SuppressWarnings("unchecked")
	public void start() {
		this.fixture = new MicroFixture(this.format);
		ConfigurableApplicationContext context = this.fixture.startWithStarter();
		this.service = context.getBean(ConfigReloadService.class);
		switch (this.change) {
			case "none" -> {
				this.versions = new Map[0];
				this.expectedKeys = Set.of();
				this.expectedOutcome = ReloadOutcome.UNCHANGED;
			}
			case "unbound-key" -> {
				this.versions = new Map[] { this.fixture.payload(0, 1), this.fixture.payload(0, 0) };
				this.expectedKeys = Set.of(MicroFixture.UNBOUND_KEY);
				// No bean binds it: in the Environment, but in effect only after a
				// restart
				this.expectedOutcome = ReloadOutcome.RESTART_REQUIRED;
			}
			case "bean-key" -> {
				this.versions = new Map[] { this.fixture.payload(1, 0), this.fixture.payload(0, 0) };
				this.expectedKeys = Set.of(this.fixture.boundKey());
				this.expectedOutcome = ReloadOutcome.APPLIED;
			}
			default -> throw new IllegalArgumentException("Unknown change " + this.change);
		}
	}

	/**
	 * Check the previous reload, then swap in the next version (not timed).
	 */
	@Setup(Level.Invocation)
	public void swap() {
		check();
		if (this.versions.length > 0) {
			this.fixture.volume().write(this.versions[this.next]);
			this.next = (this.next + 1) % this.versions.length;
		}
	}

	private void check() {
		ConfigReloadResult result = this.last;
		if (result != null && (result.outcome() != this.expectedOutcome || !result.keys().equals(this.expectedKeys))) {
			throw new IllegalStateException("Expected " + this.expectedOutcome + " of " + this.expectedKeys + ", got "
					+ result.outcome() + " of " + result.keys() + " " + result.error());
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		check();
		this.fixture.close();
	}

	@Benchmark
	public ConfigReloadResult reload() {
		ConfigReloadResult result = this.service.reload();
		this.last = result;
		return result;
	}

}
