package io.configlag.rollout;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Reads the application's health for the rollout's verification, without config-lag's own
 * health indicator.
 *
 * @author The config-lag developers
 */
@FunctionalInterface
public interface HealthCheck {

	/**
	 * Read the application's health now.
	 * @return the health, or {@code null} if it cannot be read (no health endpoint)
	 */
	@Nullable Sample check();

	/**
	 * Describe what is checked, for messages: {@code health} or {@code health group
	 * 'readiness'}.
	 * @return the description
	 */
	default String description() {
		return "health";
	}

	/**
	 * The application's health at one moment.
	 *
	 * @param status the aggregated status code, such as {@code UP} or {@code DOWN}
	 * @param notUp the names of the health contributors whose status is not {@code UP}
	 */
	record Sample(String status, Set<String> notUp) {

		/**
		 * Return whether the aggregated status is {@code UP}.
		 * @return whether the application is up
		 */
		public boolean isUp() {
			return "UP".equals(this.status);
		}

	}

}
