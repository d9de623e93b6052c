package io.configlag;

import java.util.Set;

import org.springframework.context.ApplicationEvent;

/**
 * Published after every reload of the mounted configuration, whatever its outcome. When
 * the outcome is {@link ReloadOutcome#APPLIED}, the {@code Environment}, the affected
 * {@code @ConfigurationProperties} beans and the {@code @RefreshScope} already hold the
 * new version.
 *
 * @author The config-lag developers
 */
public class ConfigReloadedEvent extends ApplicationEvent {

	private final ConfigReloadResult result;

	/**
	 * Create a new event.
	 * @param result the reload result
	 */
	public ConfigReloadedEvent(ConfigReloadResult result) {
		super(result);
		this.result = result;
	}

	/**
	 * Return the result of the reload.
	 * @return the result
	 */
	public ConfigReloadResult getResult() {
		return this.result;
	}

	/**
	 * Return the outcome.
	 * @return the outcome
	 */
	public ReloadOutcome getOutcome() {
		return this.result.outcome();
	}

	/**
	 * Return the version in effect after the reload.
	 * @return the version hash
	 */
	public String getVersion() {
		return this.result.version();
	}

	/**
	 * Return the keys that were added, changed or removed.
	 * @return the keys
	 */
	public Set<String> getKeys() {
		return this.result.keys();
	}

}
