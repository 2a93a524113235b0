package io.stratoflow.task;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * What a finished task tells its executor in a few bytes (on a cluster, the Pod's termination
 * message): a foreach's split count, or why it failed. Everything else is in the datastore.
 *
 * @param splits        for a successful foreach task, how many elements its list has
 * @param exceptionType for a failed task, the type of what the step threw
 * @param message       for a failed task, the exception's message
 * @param outOfMemory   the step ran out of memory
 * @param timings       milliseconds by phase: {@code jvm} (start to main), {@code datastore}, {@code code} (fetching the
 *                      code package), {@code inputs}, {@code step}, {@code outputs}, {@code logs}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskReport(Integer splits, String exceptionType, String message, Boolean outOfMemory, Map<String, Long> timings) {

    /** The longest termination message Kubernetes keeps. */
    public static final int MAX_BYTES = 4096;

    public static TaskReport succeeded(Integer splits) {
        return new TaskReport(splits, null, null, null, null);
    }

    public static TaskReport failed(String exceptionType, String message, boolean outOfMemory) {
        String shortened = message != null && message.length() > 3000 ? message.substring(0, 3000) + "…" : message;
        return new TaskReport(null, exceptionType, shortened, outOfMemory ? Boolean.TRUE : null, null);
    }

    /** The same report with where the task's time went, in milliseconds by phase. */
    public TaskReport withTimings(Map<String, Long> timings) {
        return new TaskReport(splits, exceptionType, message, outOfMemory, timings.isEmpty() ? null : Map.copyOf(timings));
    }

    public boolean failed() {
        return exceptionType != null;
    }

    public boolean ranOutOfMemory() {
        return Boolean.TRUE.equals(outOfMemory);
    }
}
