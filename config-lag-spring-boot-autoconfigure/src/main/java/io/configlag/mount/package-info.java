/**
 * Reading mounted configuration (Kubernetes ConfigMap and Secret volumes) into property
 * sources.
 */
@NullMarked
package io.configlag.mount;

import org.jspecify.annotations.NullMarked;
