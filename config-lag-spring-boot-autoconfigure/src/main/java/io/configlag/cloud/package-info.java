/**
 * Integration with Spring Cloud Context, kept in one place.
 */
@NullMarked
package io.configlag.cloud;

import org.jspecify.annotations.NullMarked;
