/**
 * Micrometer meters for config-lag.
 */
@NullMarked
package io.configlag.metrics;

import org.jspecify.annotations.NullMarked;
