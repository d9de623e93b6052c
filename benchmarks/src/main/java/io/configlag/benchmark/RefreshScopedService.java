package io.configlag.benchmark;

/**
 * A generated {@code @RefreshScope} bean of the refresh-cost application, built from its
 * own property each time the scope creates it.
 *
 * @author The config-lag developers
 */
public class RefreshScopedService {

	private final String message;

	RefreshScopedService(String message) {
		this.message = message;
	}

	public String message() {
		return this.message;
	}

}
