package io.configlag.test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tells the test log that the faults being logged were injected on purpose: a JUnit
 * extension, applied through {@link InjectsFaults}, that is on while the tests of such a
 * class run (tests run one class at a time), and the logback converter
 * ({@code %expectedFault} in {@code logback-test.xml}) that prefixes WARN and ERROR lines
 * meanwhile. The flag is process-wide because the faults are logged by the watcher's and
 * the reload's own threads.
 *
 * @author The config-lag developers
 */
public class ExpectedFaults implements BeforeAllCallback, AfterAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		Converter.active = true;
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Converter.active = false;
	}

	/**
	 * The {@code %expectedFault} conversion word. It holds the flag itself, so that it
	 * loads without JUnit (a JVM that has the fixtures but not JUnit).
	 */
	public static class Converter extends ClassicConverter {

		private static final String PREFIX = "[expected: injected fault] ";

		private static volatile boolean active;

		@Override
		public String convert(ILoggingEvent event) {
			return (active && event.getLevel().isGreaterOrEqual(Level.WARN)) ? PREFIX : "";
		}

	}

}
