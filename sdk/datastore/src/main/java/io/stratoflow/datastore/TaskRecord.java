package io.stratoflow.datastore;

import io.stratoflow.api.TaskFailure;

import java.util.Map;

/**
 * What the datastore keeps about a task: its artifacts after it succeeded, or why it failed.
 *
 * @param status        SUCCEEDED, FAILED, CAUGHT (failed, then let through by {@code @Catch}) or CLONED
 * @param splits        for a foreach task, how many elements it fanned out over
 * @param foreachInput  for the first step of a foreach branch, the element it ran for
 */
public record TaskRecord(String step, String taskId, int attempt, String status, Map<String, ArtifactRef> artifacts,
                         Integer splits, TaskFailure failure, long startedAtMillis, long finishedAtMillis,
                         ArtifactRef foreachInput) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String CAUGHT = "CAUGHT";
    public static final String CLONED = "CLONED";

    public boolean succeeded() {
        return !FAILED.equals(status);
    }
}
