/**
 * Health indicator for config-lag.
 */
@NullMarked
package io.configlag.health;

import org.jspecify.annotations.NullMarked;
