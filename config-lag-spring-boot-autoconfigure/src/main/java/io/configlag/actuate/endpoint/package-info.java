/**
 * Actuator endpoint for config-lag.
 */
@NullMarked
package io.configlag.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
