package io.configlag.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.configlag.autoconfigure.ConfigLagProperties.Precedence;
import io.configlag.reload.CandidateSources;
import io.configlag.test.KubeletVolume;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mounted property source stays one object for the life of the application, and a
 * reload publishes the next snapshot into it; Spring Boot's adapter of the source keeps
 * working across versions.
 */
class MountedConfigPropertySourceTests {

	@TempDir
	Path root;

	private KubeletVolume volume;

	private MountedConfigReader reader;

	@BeforeEach
	void setUp() {
		this.volume = KubeletVolume.configMap(this.root.resolve("config"));
		this.reader = new MountedConfigReader(List.of(WatchedPath.of(this.volume.directory().toString())), 1024 * 1024,
				new StandardEnvironment());
	}

	@Test
	void sameNamesKeepTheSameNamesArrayAndOtherNamesReplaceIt() {
		MountedConfigPropertySource source = new MountedConfigPropertySource(write("a=1\nb=2\n"));
		String[] names = source.getPropertyNames();
		source.publish(write("a=10\nb=20\n"));
		assertThat(source.getPropertyNames()).isSameAs(names);
		assertThat(source.getProperty("a")).isEqualTo("10");
		source.publish(write("a=10\nc=3\n"));
		assertThat(source.getPropertyNames()).isNotSameAs(names).containsExactly("a", "c");
		source.publish(write("b=2\na=1\n"));
		assertThat(source.getPropertyNames()).as("order is part of the names").containsExactly("b", "a");
	}

	@Test
	void restorePutsBackWhatPublishReplaced() {
		MountedConfigPropertySource source = new MountedConfigPropertySource(write("a=1\n"));
		ConfigSnapshot first = source.getSnapshot();
		String[] names = source.getPropertyNames();
		MountedConfigPropertySource.Published replaced = source.publish(write("a=2\nb=3\n"));
		assertThat(source.getProperty("b")).isEqualTo("3");
		source.restore(replaced);
		assertThat(source.getSnapshot()).isSameAs(first);
		assertThat(source.getSource()).isSameAs(first);
		assertThat(source.getPropertyNames()).isSameAs(names);
		assertThat(source.getProperty("a")).isEqualTo("1");
		assertThat(source.containsProperty("b")).isFalse();
	}

	@Test
	void springBootKeepsItsAdapterAcrossVersionsAndSeesEveryChange() {
		StandardEnvironment environment = new StandardEnvironment();
		MountedConfigPropertySource source = new MountedConfigPropertySource(write("app.name=one\napp.size=1\n"));
		source.addTo(environment, Precedence.OVERRIDE);
		ConfigurationPropertySources.attach(environment);
		ConfigurationPropertySource adapter = adapterOf(environment, source);
		Binder binder = Binder.get(environment);
		assertThat(binder.bind("app.name", String.class).get()).isEqualTo("one");
		source.publish(write("app.name=two\napp.size=1\n"));
		assertThat(binder.bind("app.name", String.class).get()).isEqualTo("two");
		assertThat(environment.getProperty("app.name")).isEqualTo("two");
		source.publish(write("app.name=three\napp.color=red\n"));
		assertThat(binder.bind("app.color", String.class).get()).isEqualTo("red");
		assertThat(binder.bind("app.size", String.class).isBound()).as("removed key").isFalse();
		assertThat(binder.bind("app", Map.class).get()).containsOnlyKeys("name", "color");
		source.publish(write("app.name=four\napp.size=4\n"));
		assertThat(binder.bind("app", Map.class).get()).containsOnlyKeys("name", "size");
		assertThat(environment.getProperty("app.size")).isEqualTo("4");
		assertThat(adapterOf(environment, source)).isSameAs(adapter);
	}

	@Test
	void candidateSourcesHoldTheNextVersionAndAreRebuiltOnlyWhenTheEnvironmentsSourcesChange() {
		StandardEnvironment environment = new StandardEnvironment();
		MountedConfigPropertySource live = new MountedConfigPropertySource(write("app.name=one\n"));
		live.addTo(environment, Precedence.OVERRIDE);
		ConfigurationPropertySources.attach(environment);
		CandidateSources candidates = new CandidateSources(environment);
		MutablePropertySources first = candidates.of(write("app.name=two\n"));
		assertThat(first.get(MountedConfigPropertySource.NAME)).isNotSameAs(live);
		assertThat(first.get(MountedConfigPropertySource.NAME).getProperty("app.name")).isEqualTo("two");
		assertThat(first.contains("configurationProperties")).isFalse();
		assertThat(environment.getProperty("app.name")).isEqualTo("one");
		MutablePropertySources second = candidates.of(write("app.name=three\n"));
		assertThat(second).isSameAs(first);
		assertThat(Binder.get(environment).bind("app.name", String.class).get()).isEqualTo("one");
		assertThat(new Binder(ConfigurationPropertySources.from(second)).bind("app.name", String.class).get())
			.isEqualTo("three");
		environment.getPropertySources().addLast(new MapPropertySource("late", Map.of("late.key", "x")));
		MutablePropertySources third = candidates.of(write("app.name=four\n"));
		assertThat(third).isNotSameAs(first);
		assertThat(third.contains("late")).isTrue();
	}

	@Test
	void valuesKeepTheirTypeAndOriginAndALookupReturnsTheStoredObject() {
		this.volume.write(Map.of("application.properties", "a=1\nb.c=two\n", "app.yaml",
				"x:\n  port: 8080\n  enabled: true\n", "plain-key", "tree value\n"));
		MountedConfigPropertySource source = new MountedConfigPropertySource(this.reader.read());
		assertThat(source.getProperty("b.c")).isEqualTo("two");
		assertThat(source.getProperty("x.port")).isEqualTo(8080);
		assertThat(source.getProperty("x.enabled")).isEqualTo(true);
		assertThat(source.getProperty("plain-key")).isEqualTo("tree value");
		assertThat(source.getProperty("b.c")).isSameAs(source.getProperty("b.c"));
		assertThat(source.getOrigin("b.c")).isSameAs(source.getOrigin("b.c"));
		assertOrigin(source.getOrigin("b.c"), "application.properties", 1, 4);
		assertOrigin(source.getOrigin("x.port"), "app.yaml", 1, 8);
		assertOrigin(source.getOrigin("plain-key"), "plain-key", 0, 0);
		assertThat(source.getProperty("missing")).isNull();
		assertThat(source.getOrigin("missing")).isNull();
		assertThat(ConfigSnapshot.asString(source.getSource().properties().get("x.port"))).isEqualTo("8080");
	}

	private void assertOrigin(@Nullable Origin origin, String file, int line, int column) {
		assertThat(origin).isInstanceOfSatisfying(TextResourceOrigin.class, (text) -> {
			assertThat(text.getResource().getFilename()).isEqualTo(file);
			assertThat(text.getLocation().getLine()).isEqualTo(line);
			assertThat(text.getLocation().getColumn()).isEqualTo(column);
		});
	}

	private ConfigSnapshot write(String properties) {
		this.volume.write(Map.of("application.properties", properties));
		return this.reader.read();
	}

	private static ConfigurationPropertySource adapterOf(StandardEnvironment environment,
			MountedConfigPropertySource source) {
		List<ConfigurationPropertySource> matching = new ArrayList<>();
		for (ConfigurationPropertySource adapted : ConfigurationPropertySources.get(environment)) {
			if (adapted.getUnderlyingSource() == source) {
				matching.add(adapted);
			}
		}
		assertThat(matching).hasSize(1);
		return matching.get(0);
	}

}
