package io.stratoflow.task.runner;

import java.util.List;

/**
 * One task for a worker process to run.
 *
 * @param parents  the tasks whose artifacts the step starts from (one, or one per static branch)
 * @param branches for the join of a foreach: the branches it receives; otherwise null
 */
public record TaskRequest(String flowClass, String datastore, String flow, String runId, String step, String taskId,
                          int attempt, List<TaskRef> parents, Branches branches) {

    public record TaskRef(String step, String taskId) {
    }

    /** The tasks of {@code step} with ids {@code prefix.0 … prefix.(count-1)}. */
    public record Branches(String step, String prefix, int count) {
        public TaskRef branch(int i) {
            return new TaskRef(step, prefix.isEmpty() ? Integer.toString(i) : prefix + "." + i);
        }
    }

    public String describe() {
        return step + "/" + taskId + " (attempt " + attempt + ")";
    }
}
