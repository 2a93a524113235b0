package io.stratoflow.engine;

/** What the engine asks its executor to do. */
public sealed interface Action {

    /** Run an attempt of a task. */
    record StartTask(TaskKey task, int attempt, TaskInputs inputs) implements Action {
    }

    /** Copy a task that succeeded in the resume origin; the engine already counts it as done. */
    record CloneTask(TaskKey task) implements Action {
    }

    /** Stop a running attempt (timeout, stop or failed run); its later report is ignored. */
    record KillTask(TaskKey task, int attempt, String reason) implements Action {
    }

    /** Store a caught failure as the task's result; the engine already counts the task as done. */
    record RecordCaughtFailure(TaskKey task, int attempt, String error, TaskInputs inputs) implements Action {
    }

    /** The run is over; emitted exactly once per run. */
    record FinishRun(RunPhase phase, String message) implements Action {
    }
}
