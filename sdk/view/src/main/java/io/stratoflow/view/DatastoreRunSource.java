package io.stratoflow.view;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.RunState;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs read from a datastore, as the local runtime leaves them: the run's record, the engine's
 * state, and each task's record, artifacts and logs. The namespace of every run is {@value #NAMESPACE}.
 */
public final class DatastoreRunSource implements RunSource {

    public static final String NAMESPACE = "local";

    private final Datastore datastore;
    private final Function<String, List<StepShape>> shapesOfFlow;
    private final String user;

    /**
     * @param shapesOfFlow the steps of a flow by its name, where the caller knows its definition
     *                     (empty otherwise: the steps are then known only by name)
     * @param user         who ran the runs (a laptop's runs are its user's)
     */
    public DatastoreRunSource(Datastore datastore, Function<String, List<StepShape>> shapesOfFlow, String user) {
        this.datastore = datastore;
        this.shapesOfFlow = shapesOfFlow;
        this.user = user;
    }

    @Override
    public List<RunSummary> runs() {
        List<RunSummary> runs = new ArrayList<>();
        for (String flow : datastore.runs().listFlows()) {
            for (RunRecord run : datastore.runs().listRuns(flow)) {
                runs.add(summary(run, datastore.runs().readState(flow, run.runId()).orElse(null)));
            }
        }
        runs.sort(Comparator.comparingLong((RunSummary run) -> run.startedAt() == null ? 0 : run.startedAt()).reversed());
        return runs;
    }

    private RunSummary summary(RunRecord run, RunState state) {
        int finished = 0;
        int total = 0;
        if (state != null) {
            for (var step : state.steps().values()) {
                finished += step.succeededCount();
                total += step.knownTotal();
            }
        }
        return new RunSummary(new RunKey(NAMESPACE, run.flow(), run.runId()), phase(run, state), finished, total, user,
                run.startedAtMillis(), run.finishedAtMillis(), run.message());
    }

    private static String phase(RunRecord run, RunState state) {
        var phase = run.phase() != null ? run.phase() : state == null ? null : state.phase();
        if (phase == null) {
            return "Pending";
        }
        String name = phase.name();
        return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Optional<RunDetail> run(RunKey key) {
        if (!NAMESPACE.equals(key.namespace())) {
            return Optional.empty();
        }
        return datastore.runs().readRun(key.flow(), key.run()).map(run -> {
            RunState state = datastore.runs().readState(key.flow(), key.run()).orElse(null);
            return new RunDetail(summary(run, state), EngineProgress.steps(shapesOfFlow.apply(key.flow()), state));
        });
    }

    @Override
    public TaskPage tasks(RunKey key, String step, int offset, int limit) {
        RunState state = datastore.runs().readState(key.flow(), key.run()).orElse(null);
        StepShape shape = shapesOfFlow.apply(key.flow()).stream().filter(s -> s.name().equals(step)).findFirst()
                .orElse(StepShape.named(step));
        TaskPage page = EngineProgress.tasks(state, shape, offset, limit);
        List<TaskView> tasks = new ArrayList<>(page.tasks().size());
        for (TaskView task : page.tasks()) {
            tasks.add(withRecord(key, step, task));
        }
        return new TaskPage(page.step(), page.total(), page.offset(), tasks);
    }

    /** A page's tasks get their times and final status from their records: a bounded number of small reads. */
    private TaskView withRecord(RunKey key, String step, TaskView task) {
        Optional<TaskRecord> record = datastore.runs().readTask(key.flow(), key.run(), step, task.taskId());
        if (record.isEmpty() || "running".equals(task.status())) {
            return task;
        }
        TaskRecord r = record.get();
        String status = r.succeeded() ? "succeeded" : "failed";
        return new TaskView(task.taskId(), status, r.attempt(), r.startedAtMillis(), r.finishedAtMillis());
    }

    @Override
    public Optional<InputStream> log(RunKey key, String step, String taskId, String stream) {
        return datastore.runs().openLatestLog(key.flow(), key.run(), step, taskId, stream);
    }

    @Override
    public List<ArtifactView> artifacts(RunKey key, String step, String taskId, int previewBytes) {
        Optional<TaskRecord> record = datastore.runs().readTask(key.flow(), key.run(), step, taskId);
        if (record.isEmpty() || record.get().artifacts() == null) {
            return List.of();
        }
        return ArtifactPreviews.of(datastore, record.get().artifacts(), previewBytes);
    }
}
