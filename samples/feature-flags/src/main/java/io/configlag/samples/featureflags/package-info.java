/**
 * A sample application whose feature flags and log level change live with config-lag.
 */
@NullMarked
package io.configlag.samples.featureflags;

import org.jspecify.annotations.NullMarked;
