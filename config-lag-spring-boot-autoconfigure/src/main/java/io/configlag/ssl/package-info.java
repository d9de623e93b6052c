/**
 * TLS certificates from a watched volume taken live to Spring Boot's SSL bundles.
 */
@NullMarked
package io.configlag.ssl;

import org.jspecify.annotations.NullMarked;
