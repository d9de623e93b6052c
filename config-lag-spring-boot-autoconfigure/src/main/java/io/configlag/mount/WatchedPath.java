package io.configlag.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * One entry of {@code config.lag.paths}.
 *
 * @param location the location as the user wrote it
 * @param path the absolute, normalized path
 * @param optional whether the path may be absent
 * @author The config-lag developers
 */
public record WatchedPath(String location, Path path, boolean optional) {

	static final String OPTIONAL_PREFIX = "optional:";

	static WatchedPath of(String location) {
		Assert.hasText(location, "A config.lag.paths entry must not be empty");
		String trimmed = location.trim();
		boolean optional = trimmed.startsWith(OPTIONAL_PREFIX);
		String pathText = optional ? trimmed.substring(OPTIONAL_PREFIX.length()) : trimmed;
		if (pathText.startsWith("file:")) {
			pathText = pathText.substring("file:".length());
		}
		Assert.hasText(pathText, () -> "config.lag.paths entry '" + location + "' has no path");
		return new WatchedPath(trimmed, Path.of(pathText).toAbsolutePath().normalize(), optional);
	}

	public static List<WatchedPath> of(List<String> locations) {
		List<WatchedPath> paths = new ArrayList<>(locations.size());
		for (String location : locations) {
			if (StringUtils.hasText(location)) {
				paths.add(of(location));
			}
		}
		return List.copyOf(paths);
	}

}
