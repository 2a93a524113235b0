package io.stratoflow.task.actions;

import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's actions that an executor carries out in the datastore rather than by running a
 * task: cloning a task of the resume origin, and recording a failure that {@code @Catch} lets
 * through. The local runtime and the operator both call these, so a run's records are the same
 * whoever executed it. Both are idempotent: an executor that restarts may repeat them.
 */
public final class TaskRecords {

    private final Datastore datastore;
    private final String flow;
    private final String runId;

    public TaskRecords(Datastore datastore, String flow, String runId) {
        this.datastore = datastore;
        this.flow = flow;
        this.runId = runId;
    }

    /** Copies a task that succeeded in the origin run into this run: its record (artifacts are shared by content) and logs. */
    public void cloneTask(String originRunId, TaskKey task) {
        TaskRecord origin = datastore.runs().readTask(flow, originRunId, task.step(), task.taskId())
                .orElseThrow(() -> new IllegalStateException("Task " + task + " of run " + originRunId + " has no record in the datastore "
                        + datastore.location().describe() + ": it cannot be cloned into run " + runId));
        datastore.runs().copyLogs(flow, originRunId, runId, task.step(), task.taskId());
        datastore.runs().writeTask(flow, runId, new TaskRecord(origin.step(), origin.taskId(), origin.attempt(), TaskRecord.CLONED,
                origin.artifacts(), origin.splits(), origin.failure(), origin.startedAtMillis(), origin.finishedAtMillis(),
                origin.foreachInput()));
    }

    /**
     * Records a failure let through by {@code @Catch}: the task keeps its parent's artifacts plus the failure in
     * {@code catchVar} (none when empty or null).
     *
     * @param failure what the failed attempt recorded, or null to read it from its record (or, failing that, the engine's reason)
     */
    public void recordCaughtFailure(Action.RecordCaughtFailure caught, String catchVar, TaskFailure failure) {
        TaskKey task = caught.task();
        TaskFailure kept = failure != null ? failure : datastore.runs().readTask(flow, runId, task.step(), task.taskId())
                .map(TaskRecord::failure)
                .orElse(new TaskFailure(task.step(), "unknown", caught.error(), ""));
        Map<String, ArtifactRef> artifacts = new LinkedHashMap<>();
        if (caught.inputs() instanceof TaskInputs.Parents parents && parents.tasks().size() == 1) {
            TaskKey parent = parents.tasks().get(0);
            datastore.runs().readTask(flow, runId, parent.step(), parent.taskId()).ifPresent(record -> artifacts.putAll(record.artifacts()));
        }
        if (catchVar != null && !catchVar.isEmpty()) {
            artifacts.put(catchVar, datastore.artifacts().write(catchVar, TaskFailure.class, kept));
        }
        long now = System.currentTimeMillis();
        datastore.runs().writeTask(flow, runId, new TaskRecord(task.step(), task.taskId(), caught.attempt(), TaskRecord.CAUGHT, artifacts,
                null, kept, now, now, null));
    }
}
