package io.configlag.reload;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * What {@link PropertiesBeanRebinder#prepare} found for a new version: fresh state for
 * the affected beans, bound and validated, not yet applied, and the beans and keys that
 * cannot take the version live.
 *
 * @author The config-lag developers
 */
final class PreparedRebind {

	private final List<Rebind> rebinds;

	private final Set<String> notRebindable;

	private final Set<String> notRebindableKeys;

	private final Set<String> heldKeys;

	private final Map<String, Set<String>> liveResourceKeys;

	private final Collection<String> changedKeys;

	private final List<ConfigurationPropertyName> names;

	private final Consumer<RebindTargets.Target> recorder;

	private final Predicate<ConfigurationPropertyName> bound;

	private final Set<ConfigurationPropertyName> boundBefore = new HashSet<>();

	private final List<@Nullable Object> previous = new ArrayList<>();

	PreparedRebind(List<Rebind> rebinds, Set<String> notRebindable, Set<String> notRebindableKeys, Set<String> heldKeys,
			Map<String, Set<String>> liveResourceKeys, Collection<String> changedKeys,
			List<ConfigurationPropertyName> names, Consumer<RebindTargets.Target> recorder,
			Predicate<ConfigurationPropertyName> bound) {
		this.rebinds = rebinds;
		this.notRebindable = notRebindable;
		this.notRebindableKeys = notRebindableKeys;
		this.heldKeys = heldKeys;
		this.liveResourceKeys = liveResourceKeys;
		this.changedKeys = changedKeys;
		this.names = names;
		this.recorder = recorder;
		this.bound = bound;
	}

	/**
	 * Record the rebound beans of the application's own classes as the live consumers of
	 * the changed keys they are bound from, before or after the change (as Spring Boot
	 * records them for the {@code configprops} endpoint), so that a key under a bean's
	 * prefix that none of its properties reads is not taken. Beans of Spring's projects
	 * (Spring Boot's {@code ServerProperties}, {@code JpaProperties}, ...) are rebound
	 * too, so that the {@code configprops} endpoint shows their new values, but Spring
	 * reads them when the application starts and not afterwards, except for a few keys
	 * that Spring Boot reads each time it uses them
	 * ({@link RestartKeys#BOOT_KEYS_READ_ON_USE}).
	 * @param consumers where to record
	 */
	void recordLiveConsumers(LiveConsumers consumers) {
		for (Rebind rebind : this.rebinds) {
			RebindTargets.Target target = rebind.target();
			List<String> keys = target.affectedKeys(this.changedKeys, this.names)
				.stream()
				.filter(this::wasOrIsBound)
				.toList();
			if (isReadAtStartup(rebind.fresh().getClass())) {
				keys = keys.stream().filter(RestartKeys::isReadOnUseBySpringBoot).toList();
			}
			consumers.took("bean:" + target.beanName(), keys);
		}
	}

	private boolean wasOrIsBound(String key) {
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
		return this.boundBefore.contains(name) || this.bound.test(name);
	}

	private static boolean isReadAtStartup(Class<?> type) {
		return type.getName().startsWith("org.springframework.");
	}

	/**
	 * Return the changed keys that beans which cannot be rebound live depend on.
	 * @return the keys
	 */
	Set<String> notRebindableKeys() {
		return this.notRebindableKeys;
	}

	/**
	 * Return the changed keys that beans keep an old value of: singletons given a
	 * constructor-bound bean's instance directly, and singletons that read them through
	 * {@code @Value}.
	 * @return the keys
	 */
	Set<String> heldKeys() {
		return this.heldKeys;
	}

	/**
	 * Return the names of the beans that will be rebound.
	 * @return the bean names
	 */
	List<String> beanNames() {
		return this.rebinds.stream().map((rebind) -> rebind.target().beanName()).toList();
	}

	/**
	 * Return the names of affected beans that cannot be rebound live (constructor
	 * binding, records, no default constructor, live resources).
	 * @return the bean names
	 */
	Set<String> notRebindable() {
		return this.notRebindable;
	}

	/**
	 * Return the names of affected beans that keep old values: those of
	 * {@link #notRebindable()} less the live resources whose changed keys an applier took
	 * (a connection pool given its new credentials).
	 * @param takenByAppliers the keys that appliers took
	 * @return the bean names
	 */
	Set<String> notRebound(Set<String> takenByAppliers) {
		Set<String> notRebound = new LinkedHashSet<>(this.notRebindable);
		this.liveResourceKeys.forEach((beanName, keys) -> {
			if (takenByAppliers.containsAll(keys)) {
				notRebound.remove(beanName);
			}
		});
		return notRebound;
	}

	/**
	 * Copy the fresh state into the live beans, keeping a detached copy of their current
	 * state for {@link #rollback()}. To be called once the new version is published,
	 * which lets Spring Boot record the properties the beans are now bound from.
	 */
	void apply() {
		for (ConfigurationPropertyName name : this.names) {
			if (this.bound.test(name)) {
				this.boundBefore.add(name);
			}
		}
		for (Rebind rebind : this.rebinds) {
			RebindTargets.Target target = rebind.target();
			ValueObjectBeans valueObjects = target.valueObjects();
			if (valueObjects != null) {
				this.previous.add(valueObjects.replace(target.beanName(), rebind.fresh()));
			}
			else {
				this.previous.add(PropertyCopier.detachedCopy(target.instance()));
				PropertyCopier.copy(rebind.fresh(), target.instance());
			}
		}
		for (Rebind rebind : this.rebinds) {
			this.recorder.accept(rebind.target());
		}
	}

	/**
	 * Put back the state and instances the beans had before {@link #apply()}.
	 */
	void rollback() {
		for (int i = 0; i < this.previous.size(); i++) {
			RebindTargets.Target target = this.rebinds.get(i).target();
			ValueObjectBeans valueObjects = target.valueObjects();
			Object previous = this.previous.get(i);
			if (valueObjects != null) {
				if (previous != null) {
					valueObjects.replace(target.beanName(), previous);
				}
			}
			else {
				PropertyCopier.copy(Objects.requireNonNull(previous), target.instance());
			}
		}
	}

	/**
	 * A bean and its fresh state.
	 *
	 * @param target the bean
	 * @param fresh its fresh instance, bound from the new version
	 */
	record Rebind(RebindTargets.Target target, Object fresh) {

	}

}
