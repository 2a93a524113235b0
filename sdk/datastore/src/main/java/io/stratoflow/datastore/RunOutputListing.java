package io.stratoflow.datastore;

import java.util.List;
import java.util.Set;

/**
 * What one listing of a run's keys tells about its tasks' output: every log object with its size, and which tasks
 * have ended (they have a record). Made by {@link RunStore#listOutput}.
 *
 * @param logs  the log objects, ordered by step, task id, attempt and stream
 * @param ended the tasks with a record, as {@code step/taskId}
 */
public record RunOutputListing(List<TaskLog> logs, Set<String> ended) {

    /** One attempt's log on one stream, as the listing showed it. */
    public record TaskLog(String step, String taskId, int attempt, String stream, long size) {

        /** {@code step/taskId}, the task this log belongs to. */
        public String task() {
            return step + "/" + taskId;
        }
    }

    public boolean ended(String step, String taskId) {
        return ended.contains(step + "/" + taskId);
    }
}
