package io.configlag.samples.observability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs Prometheus's {@code promtool}, found on the {@code PATH} (or at
 * {@code -Dpromtool=...}). Tests that need it are skipped, with a message saying how to
 * install it, where it is absent; {@code .ci/run} installs it.
 */
final class Promtool {

	private Promtool() {
	}

	static Path find() {
		String configured = System.getProperty("promtool");
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured);
		}
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	static Path require() {
		Path promtool = find();
		assumeTrue(promtool != null && Files.isExecutable(promtool), "promtool not found"
				+ ((promtool != null) ? " at " + promtool : " on the PATH") + ": skipped. Install it (Debian/Ubuntu: "
				+ "apt-get install prometheus; or a Prometheus release archive) or pass -Dpromtool=/path/to/promtool");
		return promtool;
	}

	/**
	 * Run {@code promtool} with the given arguments and assert that it succeeds.
	 * @param workingDirectory the working directory
	 * @param args the arguments
	 * @return the output
	 */
	static String run(Path workingDirectory, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(require().toString());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true)
			.start();
		boolean finished = process.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(finished).as("promtool %s finished", command).isTrue();
		assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
		return output;
	}

}
