package io.stratoflow.engine;

/**
 * How the engine treats a step's failures.
 *
 * @param retries        extra attempts after the first
 * @param retryDelayMillis wait before each retry
 * @param timeoutMillis  an attempt running longer fails; 0 means no limit
 * @param catchesFailure whether a final failure is recorded and the flow goes on ({@code @Catch})
 */
public record StepPolicy(int retries, long retryDelayMillis, long timeoutMillis, boolean catchesFailure) {

    public static final StepPolicy DEFAULT = new StepPolicy(0, 0, 0, false);
}
