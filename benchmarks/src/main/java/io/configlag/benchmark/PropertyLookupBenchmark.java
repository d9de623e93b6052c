package io.configlag.benchmark;

import java.util.concurrent.TimeUnit;

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

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.Assert;

/**
 * One property lookup, the operation an application repeats millions of times: in the
 * starter's {@code configLag} source against Spring Boot's own source for the same file
 * ({@code PropertiesPropertySourceLoader} / {@code YamlPropertySourceLoader}, an
 * {@code OriginTrackedMapPropertySource}), and through {@link Environment#getProperty} of
 * an application reading the volume with the starter against the same application reading
 * it with Spring Boot's config data ({@code spring.config.additional-location}). Targets:
 * the starter within 1.3× of Boot, 0 B/op ({@code -prof gc}, {@code gc.alloc.rate.norm}).
 *
 * @author The config-lag developers
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PropertyLookupBenchmark {

	/**
	 * The format of the mounted file.
	 */
	@Param({ "properties", "yaml" })
	public String format;

	private MicroFixture fixture;

	private String key;

	private PropertySource<?> mountedSource;

	private PropertySource<?> bootSource;

	private Environment mountedEnvironment;

	private Environment bootEnvironment;

	@Setup(Level.Trial)
	public void start() {
		this.fixture = new MicroFixture(this.format);
		this.key = this.fixture.lookupKey();
		this.mountedEnvironment = this.fixture.startWithStarter().getEnvironment();
		this.bootEnvironment = this.fixture.startWithBootConfigData().getEnvironment();
		this.mountedSource = ((ConfigurableEnvironment) this.mountedEnvironment).getPropertySources().get("configLag");
		Assert.state(this.mountedSource != null, "No configLag property source");
		this.bootSource = BootCost.load(this.fixture.volume(), this.fixture.format().file()).get(0);
		Object expected = this.bootSource.getProperty(this.key);
		Assert.state(expected != null, () -> "Boot's source has no " + this.key);
		Assert.state(expected.equals(this.mountedSource.getProperty(this.key)), "The sources differ");
		Assert.state(expected.equals(this.mountedEnvironment.getProperty(this.key)), "The environments differ");
		Assert.state(expected.equals(this.bootEnvironment.getProperty(this.key)), "The environments differ");
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.fixture.close();
	}

	/**
	 * {@code getProperty} on the starter's {@code configLag} source.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public Object mountedSource() {
		return this.mountedSource.getProperty(this.key);
	}

	/**
	 * {@code getProperty} on the source Spring Boot's loader makes of the same file.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public Object bootSource() {
		return this.bootSource.getProperty(this.key);
	}

	/**
	 * {@link Environment#getProperty(String)} of the application reading the volume with
	 * the starter.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public String mountedEnvironment() {
		return this.mountedEnvironment.getProperty(this.key);
	}

	/**
	 * {@link Environment#getProperty(String)} of the application reading the volume with
	 * Spring Boot's config data.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public String bootEnvironment() {
		return this.bootEnvironment.getProperty(this.key);
	}

}
