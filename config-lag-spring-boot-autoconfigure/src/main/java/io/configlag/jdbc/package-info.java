/**
 * Rotated database credentials reach the running connection pool: Spring Boot's
 * auto-configured Hikari {@code DataSource} opens its next connections with the new
 * username and password.
 */
@NullMarked
package io.configlag.jdbc;

import org.jspecify.annotations.NullMarked;
