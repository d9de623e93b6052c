package io.configlag.benchmark;

/**
 * Base class of the generated {@code @ConfigurationProperties} beans of the refresh-cost
 * application; each generated subclass carries its own prefix.
 *
 * @author The config-lag developers
 */
public class GeneratedProperties {

	private String value = "default";

	private int count;

	private boolean enabled;

	public String getValue() {
		return this.value;
	}

	public void setValue(String value) {
		this.value = value;
	}

	public int getCount() {
		return this.count;
	}

	public void setCount(int count) {
		this.count = count;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
