package io.configlag;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Where the rollout of the watched files stands at one moment
 * ({@code config.lag.rollout.*}): a version waiting for its spread delay, a version whose
 * effect on the application's health is being verified, and a version that was rolled
 * back and is pinned until the files change again.
 *
 * @param pendingVersion the version found by watching that waits for its random delay
 * ({@code config.lag.rollout.spread}), or {@code null}
 * @param pendingAppliesAt when the pending version will be applied, or {@code null}
 * @param verifyingVersion the applied version whose effect on health is being verified
 * ({@code config.lag.rollout.verify-for}), or {@code null}
 * @param verifyingUntil when its verification ends, or {@code null}
 * @param pinnedVersion the version that was rolled back and that watching does not apply
 * again until the files change, or {@code null}
 * @author The config-lag developers
 */
public record RolloutStatus(@Nullable String pendingVersion, @Nullable Instant pendingAppliesAt,
		@Nullable String verifyingVersion, @Nullable Instant verifyingUntil, @Nullable String pinnedVersion) {

	/**
	 * The status when nothing is pending, verified or pinned.
	 */
	public static final RolloutStatus NONE = new RolloutStatus(null, null, null, null, null);

}
