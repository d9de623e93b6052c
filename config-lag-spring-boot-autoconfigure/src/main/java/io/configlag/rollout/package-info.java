/**
 * Rollout of a new version of the mounted configuration: a random delay that spreads its
 * application over the fleet, and a verification of the application's health after it is
 * applied that rolls a breaking version back and pins it.
 */
@NullMarked
package io.configlag.rollout;

import org.jspecify.annotations.NullMarked;
