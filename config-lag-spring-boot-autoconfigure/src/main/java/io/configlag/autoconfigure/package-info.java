/**
 * Auto-configuration for config-lag.
 */
@NullMarked
package io.configlag.autoconfigure;

import org.jspecify.annotations.NullMarked;
