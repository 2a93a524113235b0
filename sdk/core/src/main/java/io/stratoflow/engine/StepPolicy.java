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

    /**
     * Why an attempt that ran past {@code timeoutMillis} failed: the one message every executor
     * gives, whether the engine, a local worker pool or a Pod's deadline stopped it.
     */
    public static String timeoutReason(long timeoutMillis) {
        return "timed out after " + java.time.Duration.ofMillis(timeoutMillis).toString().substring(2).toLowerCase() + " (@Timeout)";
    }

    /** The same policy for an executor that enforces timeouts itself, from when a task really starts. */
    public StepPolicy withoutTimeout() {
        return new StepPolicy(retries, retryDelayMillis, 0, catchesFailure);
    }
}
