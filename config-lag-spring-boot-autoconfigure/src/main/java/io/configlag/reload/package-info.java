/**
 * Applying a new configuration version to the running application.
 */
@NullMarked
package io.configlag.reload;

import org.jspecify.annotations.NullMarked;
