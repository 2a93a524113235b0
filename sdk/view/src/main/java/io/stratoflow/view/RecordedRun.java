package io.stratoflow.view;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run as its datastore records it: the run's record, the engine's state, and each task's record, artifacts and
 * logs. The views read a laptop's run and a cluster run whose Run object is gone alike through it.
 *
 * @param flow the flow's name in the datastore
 */
public record RecordedRun(Datastore datastore, String flow, String runId) {

    /** What {@code phase} shows for a run whose Run object was deleted before its record said how it ended. */
    public static final String DELETED = "Deleted";

    public Optional<RunRecord> record() {
        return datastore.runs().readRun(flow, runId);
    }

    public Optional<RunState> state() {
        return datastore.runs().readState(flow, runId);
    }

    /**
     * The run as the Runs view lists it, under {@code key}.
     *
     * @param runDeleted whether the record stands for a Run object that is gone
     */
    public static RunSummary summary(RunKey key, RunRecord run, RunState state, String user, boolean runDeleted) {
        int finished = 0;
        int total = 0;
        if (state != null) {
            for (var step : state.steps().values()) {
                finished += step.succeededCount();
                total += step.knownTotal();
            }
        }
        boolean ended = run.phase() != null && run.phase().isFinal();
        String phase = runDeleted && !ended ? DELETED : phase(run, state);
        String message = runDeleted && !ended ? "The Run object was deleted before the run ended" : run.message();
        return new RunSummary(key, phase, finished, total, user, run.startedAtMillis(), run.finishedAtMillis(), message, runDeleted);
    }

    private static String phase(RunRecord run, RunState state) {
        RunPhase phase = run.phase() != null ? run.phase() : state == null ? null : state.phase();
        return (phase == null ? RunPhase.PENDING : phase).statusName();
    }

    /** The run with its steps in the order of {@code shapes}; empty when the datastore has no record of it. */
    public Optional<RunDetail> detail(RunKey key, List<StepShape> shapes, String user, boolean runDeleted) {
        return record().map(run -> {
            RunState state = state().orElse(null);
            return new RunDetail(summary(key, run, state, user, runDeleted), EngineProgress.steps(shapes, state));
        });
    }

    /** A page of a step's tasks, with the times and final status of each from its record: a bounded number of small reads. */
    public TaskPage tasks(List<StepShape> shapes, String step, int offset, int limit) {
        StepShape shape = shapes.stream().filter(s -> s.name().equals(step)).findFirst().orElse(StepShape.named(step));
        TaskPage page = EngineProgress.tasks(state().orElse(null), shape, offset, limit);
        List<TaskView> tasks = new ArrayList<>(page.tasks().size());
        for (TaskView task : page.tasks()) {
            tasks.add(withRecord(step, task));
        }
        return new TaskPage(page.step(), page.total(), page.offset(), tasks);
    }

    private TaskView withRecord(String step, TaskView task) {
        Optional<TaskRecord> record = datastore.runs().readTask(flow, runId, step, task.taskId());
        if (record.isEmpty() || "running".equals(task.status())) {
            return task;
        }
        TaskRecord r = record.get();
        return new TaskView(task.taskId(), r.succeeded() ? "succeeded" : "failed", r.attempt(), r.startedAtMillis(), r.finishedAtMillis());
    }

    public Optional<InputStream> log(String step, String taskId, String stream) {
        return datastore.runs().openLatestLog(flow, runId, step, taskId, stream);
    }

    public List<ArtifactView> artifacts(String step, String taskId, int previewBytes) {
        return datastore.runs().readTask(flow, runId, step, taskId)
                .filter(record -> record.artifacts() != null)
                .map(record -> ArtifactPreviews.of(datastore, record.artifacts(), previewBytes))
                .orElse(List.of());
    }
}
