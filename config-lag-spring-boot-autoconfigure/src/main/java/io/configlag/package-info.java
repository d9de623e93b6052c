/**
 * Public API of config-lag: the reload service, its results and events.
 */
@NullMarked
package io.configlag;

import org.jspecify.annotations.NullMarked;
