package io.configlag.rollout;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.configlag.health.ConfigReloadHealthIndicator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.util.StringUtils;

/**
 * A {@link HealthCheck} through Actuator's own {@link HealthEndpoint}: the overall health
 * or that of one health group, with every component shown, aggregated by the group's own
 * {@link org.springframework.boot.health.actuate.endpoint.StatusAggregator} after leaving
 * out config-lag's {@link ConfigReloadHealthIndicator} (a reload must not decide on its
 * own health).
 *
 * @author The config-lag developers
 */
public final class ActuatorHealthCheck implements HealthCheck {

	private static final Log logger = LogFactory.getLog(ActuatorHealthCheck.class);

	private final ObjectProvider<HealthEndpoint> endpoint;

	private final ObjectProvider<HealthEndpointGroups> groups;

	private final ObjectProvider<HealthContributorRegistry> registry;

	private final @Nullable String group;

	private volatile boolean warned;

	/**
	 * Create a new check. The beans are looked up at each check, so that the check works
	 * whatever the order in which they were created.
	 * @param endpoint the health endpoint
	 * @param groups the health groups
	 * @param registry the health contributors, to find config-lag's own
	 * @param group the health group to check, or empty for the overall health
	 */
	public ActuatorHealthCheck(ObjectProvider<HealthEndpoint> endpoint, ObjectProvider<HealthEndpointGroups> groups,
			ObjectProvider<HealthContributorRegistry> registry, @Nullable String group) {
		this.endpoint = endpoint;
		this.groups = groups;
		this.registry = registry;
		this.group = StringUtils.hasText(group) ? group.trim() : null;
	}

	@Override
	public @Nullable Sample check() {
		HealthEndpoint endpoint = this.endpoint.getIfAvailable();
		HealthEndpointGroups groups = this.groups.getIfAvailable();
		if (endpoint == null || groups == null) {
			return null;
		}
		HealthEndpointGroup group = (this.group != null) ? groups.get(this.group) : groups.getPrimary();
		HealthDescriptor descriptor = (this.group != null) ? endpoint.healthForPath(this.group) : endpoint.health();
		if (group == null || descriptor == null) {
			if (group == null && !this.warned) {
				this.warned = true;
				logger.warn("config.lag.rollout.health-group '" + this.group + "' is not a health group (groups: "
						+ groups.getNames() + "); new versions are applied without verification");
			}
			return null;
		}
		if (descriptor instanceof CompositeHealthDescriptor composite && composite.getComponents() != null) {
			Set<String> own = ownContributors();
			Map<String, Status> statuses = new TreeMap<>();
			composite.getComponents().forEach((name, component) -> {
				if (!own.contains(name)) {
					statuses.put(name, component.getStatus());
				}
			});
			Status status = statuses.isEmpty() ? Status.UP
					: group.getStatusAggregator().getAggregateStatus(new LinkedHashSet<>(statuses.values()));
			Set<String> notUp = statuses.entrySet()
				.stream()
				.filter((entry) -> !Status.UP.equals(entry.getValue()))
				.map(Map.Entry::getKey)
				.collect(Collectors.toCollection(TreeSet::new));
			return new Sample(status.getCode(), notUp);
		}
		Status status = descriptor.getStatus();
		return new Sample(status.getCode(), Status.UP.equals(status) ? Set.of() : Set.of(description()));
	}

	@Override
	public String description() {
		return (this.group != null) ? "health group '" + this.group + "'" : "health";
	}

	private Set<String> ownContributors() {
		HealthContributorRegistry registry = this.registry.getIfAvailable();
		if (registry == null) {
			return Set.of();
		}
		return registry.stream()
			.filter((entry) -> entry.contributor() instanceof ConfigReloadHealthIndicator)
			.map((entry) -> entry.name())
			.collect(Collectors.toSet());
	}

}
