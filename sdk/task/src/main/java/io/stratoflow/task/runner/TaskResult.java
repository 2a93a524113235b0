package io.stratoflow.task.runner;

import io.stratoflow.api.TaskFailure;

/**
 * How a task ended.
 *
 * @param splits        for a successful foreach task, how many elements its list has
 * @param retireWorker  the worker should not run more tasks (it ran out of memory)
 * @param cpuMillis     CPU time the task's thread used
 */
public record TaskResult(boolean succeeded, Integer splits, TaskFailure failure, boolean retireWorker, long cpuMillis) {

    public static TaskResult success(Integer splits) {
        return new TaskResult(true, splits, null, false, 0);
    }

    public static TaskResult failed(TaskFailure failure, boolean retireWorker) {
        return new TaskResult(false, null, failure, retireWorker, 0);
    }

    public TaskResult withCpuMillis(long millis) {
        return new TaskResult(succeeded, splits, failure, retireWorker, millis);
    }

    /** A one-line reason: the exception type and message. */
    public String reason() {
        if (failure == null) {
            return "unknown failure";
        }
        return failure.message() == null || failure.message().isBlank() ? failure.exceptionType()
                : failure.exceptionType() + ": " + failure.message();
    }
}
