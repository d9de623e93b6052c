package io.configlag.samples.featureflags;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the flags currently in effect.
 *
 * @author The config-lag developers
 */
@RestController
public class FlagsController {

	private final FlagsProperties flags;

	public FlagsController(FlagsProperties flags) {
		this.flags = flags;
	}

	/**
	 * Return the current values, in the shape of {@code config.yaml}.
	 * @return {@code {"logLevel":"INFO","featureFlags":{"newUI":false}}}
	 */
	@GetMapping("/flags")
	public Map<String, Object> flags() {
		Map<String, Object> featureFlags = new LinkedHashMap<>();
		featureFlags.put("newUI", this.flags.getFeatureFlags().isNewUI());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("logLevel", this.flags.getLogLevel().name());
		body.put("featureFlags", featureFlags);
		return body;
	}

}
