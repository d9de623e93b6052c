package io.configlag.reload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copier moves state through setters and nested getters only: nested objects and
 * getter-only collections keep their identity, values without setters of their own are
 * set whole, derived getter-only values are left alone, and a detached copy restores the
 * previous state without sharing anything that a later copy changes in place.
 */
class PropertyCopierTests {

	@Test
	void copyKeepsNestedObjectsAndGetterOnlyCollectionsAndSetsValues() {
		Settings live = new Settings();
		Nested nested = live.getNested();
		Nested settable = new Nested();
		live.setSettable(settable);
		List<String> hosts = live.getHosts();
		hosts.addAll(List.of("a", "b", "c"));
		live.getLabels().put("x", "1");
		Settings fresh = new Settings();
		fresh.setName("new");
		fresh.getNested().setSize(8);
		Nested freshSettable = new Nested();
		freshSettable.setSize(3);
		fresh.setSettable(freshSettable);
		fresh.setLimit(DataSize.ofMegabytes(2));
		fresh.getHosts().add("d");
		fresh.getLabels().put("y", "2");
		PropertyCopier.copy(fresh, live);
		assertThat(live.getName()).isEqualTo("new");
		assertThat(live.getNested()).isSameAs(nested);
		assertThat(nested.getSize()).isEqualTo(8);
		assertThat(live.getSettable()).isSameAs(settable);
		assertThat(settable.getSize()).isEqualTo(3);
		assertThat(live.getLimit()).isEqualTo(DataSize.ofMegabytes(2));
		assertThat(live.getHosts()).isSameAs(hosts).containsExactly("d");
		assertThat(live.getLabels()).containsExactly(Map.entry("y", "2"));
		assertThat(live.getDerived()).isEqualTo("derived");
	}

	@Test
	void detachedCopyRestoresThePreviousStateInPlace() {
		Settings live = new Settings();
		live.setName("old");
		live.getNested().setSize(4);
		Nested settable = new Nested();
		settable.setSize(5);
		live.setSettable(settable);
		live.getHosts().add("a");
		Object previous = PropertyCopier.detachedCopy(live);
		Settings fresh = new Settings();
		fresh.getNested().setSize(9);
		Nested freshSettable = new Nested();
		freshSettable.setSize(6);
		fresh.setSettable(freshSettable);
		fresh.getHosts().add("b");
		PropertyCopier.copy(fresh, live);
		assertThat(live.getName()).isEqualTo("default");
		assertThat(settable.getSize()).isEqualTo(6);
		PropertyCopier.copy(previous, live);
		assertThat(live.getName()).isEqualTo("old");
		assertThat(live.getNested().getSize()).isEqualTo(4);
		assertThat(live.getSettable()).isSameAs(settable);
		assertThat(settable.getSize()).isEqualTo(5);
		assertThat(live.getHosts()).containsExactly("a");
	}

	@Test
	void packagePrivateAccessorsAreUsedAsSpringBootsBinderUsesThem() {
		PackagePrivate live = new PackagePrivate();
		PackagePrivate fresh = new PackagePrivate();
		fresh.setName("new");
		PropertyCopier.copy(fresh, live);
		assertThat(live.getName()).isEqualTo("new");
		assertThat(PropertyCopier.properties(PackagePrivate.class)).hasSize(1);
	}

	@Test
	void cyclesAreCopiedOnce() {
		Node live = new Node();
		live.setNext(live);
		Node fresh = new Node();
		fresh.setValue("v");
		fresh.setNext(fresh);
		PropertyCopier.copy(fresh, live);
		assertThat(live.getValue()).isEqualTo("v");
	}

	public static class Settings {

		private String name = "default";

		private final Nested nested = new Nested();

		private Nested settable;

		private DataSize limit = DataSize.ofMegabytes(1);

		private final List<String> hosts = new ArrayList<>();

		private final Map<String, String> labels = new LinkedHashMap<>();

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public Nested getNested() {
			return this.nested;
		}

		public Nested getSettable() {
			return this.settable;
		}

		public void setSettable(Nested settable) {
			this.settable = settable;
		}

		public DataSize getLimit() {
			return this.limit;
		}

		public void setLimit(DataSize limit) {
			this.limit = limit;
		}

		public List<String> getHosts() {
			return this.hosts;
		}

		public Map<String, String> getLabels() {
			return this.labels;
		}

		public String getDerived() {
			return "derived";
		}

	}

	public static class Nested {

		private int size = 1;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	static class PackagePrivate {

		private String name = "default";

		String getName() {
			return this.name;
		}

		void setName(String name) {
			this.name = name;
		}

		private String getHidden() {
			return "hidden";
		}

		protected String getProtected() {
			return "protected";
		}

	}

	public static class Node {

		private String value;

		private Node next;

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

		public Node getNext() {
			return this.next;
		}

		public void setNext(Node next) {
			this.next = next;
		}

	}

}
