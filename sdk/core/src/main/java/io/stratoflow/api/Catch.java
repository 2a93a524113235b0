package io.stratoflow.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets the flow go on when the step fails after all retries: the failure is stored in the
 * {@link TaskFailure} field named by {@link #var()} and the next steps run.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Catch {

    /** A field of type {@link TaskFailure} that receives the failure; empty to only swallow it. */
    String var() default "";
}
