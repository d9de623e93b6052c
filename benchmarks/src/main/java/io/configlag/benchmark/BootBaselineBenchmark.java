package io.configlag.benchmark;

import java.util.List;
import java.util.Map;
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

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertySource;

/**
 * The references for {@link ReloadBenchmark}, with Spring Boot's public classes on the
 * same volume and application: Boot's loader on the file (what a reload has to parse at
 * least when the file changed), Boot's {@link Binder} on the one bean a {@code bean-key}
 * change affects (what a rebind has to do at least), and the kubelet fixture's swap alone
 * (whose allocation {@code ReloadBenchmark}'s {@code -prof gc} numbers include).
 *
 * @author The config-lag developers
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BootBaselineBenchmark {

	/**
	 * The format of the mounted file.
	 */
	@Param({ "properties", "yaml" })
	public String format;

	private MicroFixture fixture;

	private Binder binder;

	private Class<? extends GeneratedProperties> beanType;

	private String beanPrefix;

	private Map<String, String>[] versions;

	private int next;

	@Setup(Level.Trial)
	@SuppressWarnings("unchecked")
	public void start() {
		this.fixture = new MicroFixture(this.format);
		this.binder = Binder.get(this.fixture.startWithStarter().getEnvironment());
		int bean = RefreshCostSection.changedBean(MicroFixture.PROPERTIES_BEANS);
		this.beanType = GeneratedBeans.propertiesClass(bean);
		this.beanPrefix = GeneratedBeans.prefix(bean);
		this.versions = new Map[] { this.fixture.payload(1, 0), this.fixture.payload(0, 0) };
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.fixture.close();
	}

	/**
	 * Spring Boot's {@code PropertiesPropertySourceLoader} or
	 * {@code YamlPropertySourceLoader} on the volume's file.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public List<PropertySource<?>> bootLoader() {
		return BootCost.load(this.fixture.volume(), this.fixture.format().file());
	}

	/**
	 * Spring Boot's {@link Binder} (of the starter's application) binding a new instance
	 * of the bean a {@code bean-key} change affects.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public GeneratedProperties bootBinder() {
		return BootCost.bind(this.binder, this.beanPrefix, this.beanType);
	}

	/**
	 * The kubelet fixture's atomic swap of the volume.
	 * @return the result, consumed by JMH
	 */
	@Benchmark
	public Object fixtureSwap() {
		Map<String, String> version = this.versions[this.next];
		this.next = (this.next + 1) % this.versions.length;
		return this.fixture.volume().write(version);
	}

}
