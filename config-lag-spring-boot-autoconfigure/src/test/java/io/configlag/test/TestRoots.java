package io.configlag.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh temporary directory for a {@code @SpringBootTest} whose
 * {@code config.lag.paths} must be known before the context starts: it is published as
 * the system property {@code config-lag.test.root}, which the test's {@code properties}
 * refer to as {@code ${config-lag.test.root}}.
 */
public final class TestRoots {

	static final String PROPERTY = "config-lag.test.root";

	private TestRoots() {
	}

	public static Path create(String prefix) {
		try {
			Path root = Files.createTempDirectory(prefix);
			System.setProperty(PROPERTY, root.toString());
			return root;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
