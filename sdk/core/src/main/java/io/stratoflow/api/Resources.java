package io.stratoflow.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a step needs to run. Locally these are hints; on Kubernetes they become the Pod's
 * requests and limits. Defaults follow Metaflow: 1 CPU and 4096 MB of memory.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Resources {

    /** CPU cores; fractions such as 0.5 are allowed. */
    double cpu() default 1;

    /** Memory in megabytes. */
    int memory() default 4096;

    /** Whole GPUs. */
    int gpu() default 0;

    /** Ephemeral disk in megabytes; 0 means the cluster's default. */
    int disk() default 0;
}
