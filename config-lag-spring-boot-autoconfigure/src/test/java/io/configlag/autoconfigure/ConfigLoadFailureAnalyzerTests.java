package io.configlag.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import io.configlag.test.InjectsFaults;
import io.configlag.test.KubeletVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A real {@link SpringApplication} that fails to start because a mounted YAML file of a
 * Secret is invalid: config-lag's report names the file and the line, and neither it nor
 * anything else in the output quotes the secret on that line. The failure happens before
 * there is an application context, when config-lag's other analyzer has no
 * {@code Environment}.
 */
@ExtendWith(OutputCaptureExtension.class)
@InjectsFaults
class ConfigLoadFailureAnalyzerTests {

	private static final String TOKEN = "tok-s3cr3t-before-broken-yaml";

	@TempDir
	Path temp;

	@Test
	void invalidYamlInASecretIsReportedWithoutItsContent(CapturedOutput output) {
		KubeletVolume secret = KubeletVolume.secret(this.temp.resolve("secret"))
			.write(Map.of("credentials.yaml", "db:\n  token: " + TOKEN + "\n  url: [x\n"));
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--config.lag.paths=" + secret.directory()).close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("config-lag could not load its mounted configuration: Invalid YAML in '"
					+ secret.path("credentials.yaml") + "' at line 4, column 1")
			.doesNotContain("Application run failed")
			.doesNotContain(TOKEN);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ConfigLagAutoConfiguration.class)
	static class Application {

	}

}
