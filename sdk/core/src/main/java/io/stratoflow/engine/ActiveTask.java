package io.stratoflow.engine;

/**
 * A task that is running, or waiting to be retried.
 *
 * @param sinceMillis when the attempt started, or for a retry, the earliest time it may start
 */
public record ActiveTask(TaskKey task, int attempt, long sinceMillis) {
}
