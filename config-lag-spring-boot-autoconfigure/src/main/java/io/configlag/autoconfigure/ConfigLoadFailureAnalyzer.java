package io.configlag.autoconfigure;

import io.configlag.mount.ConfigLoadException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ConfigLoadException} that stopped the application from starting.
 *
 * @author The config-lag developers
 */
class ConfigLoadFailureAnalyzer extends AbstractFailureAnalyzer<ConfigLoadException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConfigLoadException cause) {
		return new FailureAnalysis("config-lag could not load its mounted configuration: " + cause.getMessage(),
				"Fix the file, or correct config.lag.paths. Prefix a path with 'optional:' if it may be absent at"
						+ " startup.",
				cause);
	}

}
