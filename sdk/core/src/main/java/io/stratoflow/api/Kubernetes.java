package io.stratoflow.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Places a step on Kubernetes. Like Metaflow's {@code @kubernetes}, a flow with such a step runs
 * that step on the cluster; {@code run --local} runs it locally anyway, with a warning.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Kubernetes {

    /** Container image; empty means the operator's default task-runner image. */
    String image() default "";

    /** Node selector entries, each {@code key=value}, e.g. {@code outerbounds.co/provider=azure}. */
    String[] nodeSelector() default {};

    /** Tolerations, each {@code key[=value]:effect} or {@code key:effect}. */
    String[] tolerations() default {};

    /** Name of the ComputePool the step runs on; empty means the default pool. */
    String computePool() default "";

    /** GPU vendor whose extended resource the GPUs are requested as. */
    GpuVendor gpuVendor() default GpuVendor.NVIDIA;

    /** Overrides of {@link Resources} for the cluster; a value at or below zero keeps the declared one. */
    double cpu() default 0;

    int memory() default 0;

    int gpu() default 0;

    int disk() default 0;

    enum GpuVendor { NVIDIA, AMD }
}
