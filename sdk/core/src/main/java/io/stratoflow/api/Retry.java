package io.stratoflow.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Runs a failed task again, up to {@link #times()} more attempts. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Retry {

    int times() default 3;

    /** Wait between attempts, in minutes; fractions are allowed. */
    double minutesBetweenRetries() default 2;
}
