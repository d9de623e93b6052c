/**
 * Micrometer Observation support for config reloads.
 */
@NullMarked
package io.configlag.observation;

import org.jspecify.annotations.NullMarked;
