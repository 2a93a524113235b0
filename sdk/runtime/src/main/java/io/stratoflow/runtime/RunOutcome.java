package io.stratoflow.runtime;

import io.stratoflow.api.TaskFailure;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.TaskKey;

/**
 * How a local run ended.
 *
 * @param failedTask the task whose failure ended the run, or null
 * @param failure    what it threw, or null
 */
public record RunOutcome(String flow, String runId, RunPhase phase, String message, long durationMillis,
                         TaskKey failedTask, int failedAttempt, TaskFailure failure) {

    public boolean succeeded() {
        return phase == RunPhase.SUCCEEDED;
    }
}
