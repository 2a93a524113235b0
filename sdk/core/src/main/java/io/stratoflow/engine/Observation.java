package io.stratoflow.engine;

/** What an executor saw happen since the last decision. */
public sealed interface Observation {

    /** @param splits for a foreach task, how many elements its list has; otherwise null */
    record TaskSucceeded(TaskKey task, int attempt, Integer splits) implements Observation {
    }

    record TaskFailed(TaskKey task, int attempt, String reason) implements Observation {
    }

    record StopRequested(String reason) implements Observation {
    }
}
