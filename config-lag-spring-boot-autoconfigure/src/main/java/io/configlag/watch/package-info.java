/**
 * Watching mounted configuration for changes.
 */
@NullMarked
package io.configlag.watch;

import org.jspecify.annotations.NullMarked;
