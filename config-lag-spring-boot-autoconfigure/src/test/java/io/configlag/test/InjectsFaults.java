package io.configlag.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that injects faults on purpose (bad files, failing watchers, failing
 * listeners): while its tests run, every WARN and ERROR line is prefixed with
 * {@code [expected: injected fault]}, so that a reader of the build output tells the
 * faults a test provokes from a problem of the build.
 *
 * @author The config-lag developers
 * @see ExpectedFaults
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ExpectedFaults.class)
public @interface InjectsFaults {

}
