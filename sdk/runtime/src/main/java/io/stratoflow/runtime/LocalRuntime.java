package io.stratoflow.runtime;

import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.ParameterDefinition;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.Decision;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunEngine;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepPolicy;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.actions.TaskRecords;
import io.stratoflow.task.runner.TaskResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a flow on this machine: the engine decides, worker processes run the tasks, the local
 * datastore keeps artifacts, logs and the run's state. This is the product's embedded default.
 */
public final class LocalRuntime {

    private static final long PROGRESS_TICK_MILLIS = 500;

    private final Datastore datastore;
    private final ProgressListener progress;
    private final BlockingQueue<Observation> observations = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    public LocalRuntime(Datastore datastore, ProgressListener progress) {
        this.datastore = datastore;
        this.progress = progress;
    }

    public RunOutcome run(FlowDefinition flow, RunOptions options) {
        datastore.checkWritable();
        try (WorkerPool pool = startPool(flow, options)) {
            long now = System.currentTimeMillis();
            String runId = datastore.runs().createRun(flow.name(), now);
            RunRecord run = new RunRecord(flow.name(), runId, flow.type().getName(), RunPhase.RUNNING, now, null, null,
                    storeParameters(flow, options.parameters()), null, null);
            datastore.runs().writeRun(run);
            RunEngine engine = new RunEngine(flow.graph(), enginePolicies(flow));
            return execute(flow, run, engine, new RunState(options.maxWorkers(), options.maxNumSplits()), pool, null);
        }
    }

    /** The worker pool, with its first worker already booting while the run is being recorded. */
    private WorkerPool startPool(FlowDefinition flow, RunOptions options) {
        int largestMemory = flow.steps().values().stream().mapToInt(s -> s.resources().memoryMb()).max().orElse(4096);
        WorkerLauncher launcher = new WorkerLauncher(flow.type(), WorkerLauncher.heapMb(largestMemory, options.maxWorkerHeapMb()));
        WorkerPool pool = new WorkerPool(launcher, options.maxWorkers(), datastore.root().resolve("tmp").resolve("workers"));
        pool.prestart();
        return pool;
    }

    /**
     * Runs the flow again from {@code step} (or from wherever the origin did not succeed, when
     * null), cloning the origin's successful tasks that come before it.
     */
    public RunOutcome resume(FlowDefinition flow, String originRunId, String step, RunOptions options) {
        datastore.checkWritable();
        RunRecord origin = datastore.runs().readRun(flow.name(), originRunId).orElseThrow(() -> new IllegalArgumentException(
                "Flow " + flow.name() + " has no run " + originRunId + " in the datastore at " + datastore.root()
                        + "; list its runs with the 'list' command"));
        RunState originState = datastore.runs().readState(flow.name(), originRunId).orElseThrow(() -> new IllegalArgumentException(
                "Run " + flow.name() + "/" + originRunId + " has no saved state to resume from (it may still be running)"));
        if (step != null && !flow.graph().hasStep(step)) {
            throw new IllegalArgumentException("Flow " + flow.name() + " has no step '" + step + "'; its steps are " + flow.graph().topologicalOrder());
        }
        Set<String> rerun = step == null ? Set.of() : Set.copyOf(flow.graph().reachableFrom(step));
        long now = System.currentTimeMillis();
        String runId = datastore.runs().createRun(flow.name(), now);
        RunRecord run = new RunRecord(flow.name(), runId, flow.type().getName(), RunPhase.RUNNING, now, null, null,
                origin.parameters(), originRunId, step);
        datastore.runs().writeRun(run);
        RunEngine engine = new RunEngine(flow.graph(), enginePolicies(flow), new RunEngine.ResumePlan(originState, rerun));
        try (WorkerPool pool = startPool(flow, options)) {
            return execute(flow, run, engine, new RunState(options.maxWorkers(), options.maxNumSplits()), pool, originRunId);
        }
    }

    /**
     * The worker pool enforces timeouts, from the moment a worker starts a task (a task may wait
     * in the pool's queue first), so the engine is given the policies without them.
     */
    private static Map<String, StepPolicy> enginePolicies(FlowDefinition flow) {
        Map<String, StepPolicy> policies = new LinkedHashMap<>();
        flow.policies().forEach((step, p) -> policies.put(step, p.withoutTimeout()));
        return policies;
    }

    /** Stops the run: running tasks are killed and the run is marked stopped. Safe from any thread. */
    public void requestStop(String reason) {
        observations.add(new Observation.StopRequested(reason));
    }

    /** Waits until the run has been recorded as finished. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    private Map<String, ArtifactRef> storeParameters(FlowDefinition flow, Map<String, Object> values) {
        Map<String, ArtifactRef> stored = new LinkedHashMap<>();
        for (ParameterDefinition parameter : flow.parameters()) {
            Object value = values.containsKey(parameter.name()) ? values.get(parameter.name()) : parameter.defaultValue();
            stored.put(parameter.name(), datastore.artifacts().write(parameter.name(), parameter.field().getGenericType(), value));
        }
        return stored;
    }

    private RunOutcome execute(FlowDefinition flow, RunRecord run, RunEngine engine, RunState state, WorkerPool pool,
                               String originRunId) {
        progress.started(flow.name(), run.runId());
        TaskRecords records = new TaskRecords(datastore, flow.name(), run.runId());
        Map<TaskKey, TaskFailure> failures = new HashMap<>();
        Map<TaskKey, Long> startedAt = new HashMap<>();
        TaskKey[] lastFailed = new TaskKey[1];
        int[] lastFailedAttempt = new int[1];
        RunPhase phase = null;
        String message = null;
        try {
            Decision decision = engine.decide(state, List.of(), System.currentTimeMillis());
            while (true) {
                for (Action action : decision.actions()) {
                    if (action instanceof Action.StartTask start) {
                        startedAt.put(start.task(), System.currentTimeMillis());
                        pool.submit(request(flow, run, start), flow.step(start.task().step()).timeoutMillis(),
                                (request, result) -> observations.add(observe(start, result, failures)));
                    } else if (action instanceof Action.CloneTask clone) {
                        records.cloneTask(originRunId, clone.task());
                    } else if (action instanceof Action.KillTask kill) {
                        pool.kill(kill.task().step(), kill.task().taskId(), kill.attempt());
                        recordIfMissing(run, kill.task(), kill.attempt(), new TaskFailure(kill.task().step(), "killed", kill.reason(), ""),
                                startedAt.get(kill.task()));
                    } else if (action instanceof Action.RecordCaughtFailure caught) {
                        records.recordCaughtFailure(caught, flow.step(caught.task().step()).catchVar(), failures.get(caught.task()));
                    } else if (action instanceof Action.FinishRun finish) {
                        phase = finish.phase();
                        message = finish.message();
                    } else {
                        throw new IllegalStateException("The local runtime does not carry out " + action);
                    }
                }
                progress.progress(state);
                if (phase != null) {
                    break;
                }
                List<Observation> seen = awaitObservations(decision.wakeUpAtMillis());
                for (Observation observation : seen) {
                    if (observation instanceof Observation.TaskFailed failed) {
                        lastFailed[0] = failed.task();
                        lastFailedAttempt[0] = failed.attempt();
                        TaskFailure failure;
                        synchronized (failures) {
                            failure = failures.get(failed.task());
                        }
                        recordIfMissing(run, failed.task(), failed.attempt(), failure != null ? failure
                                : new TaskFailure(failed.task().step(), "unknown", failed.reason(), ""), startedAt.get(failed.task()));
                        progress.taskFinished(failed.task(), failed.attempt(), false, stdoutOf(run, failed.task(), failed.attempt()));
                    } else if (observation instanceof Observation.TaskSucceeded done) {
                        progress.taskFinished(done.task(), done.attempt(), true, stdoutOf(run, done.task(), done.attempt()));
                    }
                }
                decision = engine.decide(state, seen, System.currentTimeMillis());
            }
        } finally {
            pool.close();
            long end = System.currentTimeMillis();
            RunPhase recorded = phase == null ? RunPhase.FAILED : phase;
            String why = phase == null ? "the local runtime stopped unexpectedly" : message;
            try {
                datastore.runs().writeState(run.flow(), run.runId(), state);
                datastore.runs().writeRun(run.finished(recorded, why, end));
            } finally {
                finished.countDown();
            }
        }
        boolean failedByTask = phase == RunPhase.FAILED && lastFailed[0] != null;
        return new RunOutcome(flow.name(), run.runId(), phase, message, System.currentTimeMillis() - run.startedAtMillis(),
                failedByTask ? lastFailed[0] : null, lastFailedAttempt[0], failedByTask ? failures.get(lastFailed[0]) : null);
    }

    /**
     * Records a failed attempt that left no record of its own: its worker died (System.exit, a
     * crash, the OOM killer) or the runtime killed it (timeout, the run ended). A record the task
     * wrote itself, for this attempt or a later one, is kept.
     */
    private void recordIfMissing(RunRecord run, TaskKey task, int attempt, TaskFailure failure, Long startedAtMillis) {
        boolean recorded = datastore.runs().readTask(run.flow(), run.runId(), task.step(), task.taskId())
                .map(existing -> existing.attempt() >= attempt).orElse(false);
        if (!recorded) {
            long now = System.currentTimeMillis();
            datastore.runs().writeTask(run.flow(), run.runId(), new TaskRecord(task.step(), task.taskId(), attempt, TaskRecord.FAILED,
                    Map.of(), null, failure, startedAtMillis == null ? now : startedAtMillis, now, null));
        }
    }

    private Path stdoutOf(RunRecord run, TaskKey task, int attempt) {
        return datastore.runs().logFile(run.flow(), run.runId(), task.step(), task.taskId(), attempt, "stdout");
    }

    private List<Observation> awaitObservations(long wakeUpAtMillis) {
        List<Observation> seen = new ArrayList<>();
        long wait = Math.min(PROGRESS_TICK_MILLIS, Math.max(0, wakeUpAtMillis - System.currentTimeMillis()));
        try {
            Observation first = observations.poll(wait, TimeUnit.MILLISECONDS);
            if (first != null) {
                seen.add(first);
                observations.drainTo(seen);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            seen.add(new Observation.StopRequested("the local runtime was interrupted"));
        }
        return seen;
    }

    private static Observation observe(Action.StartTask start, TaskResult result, Map<TaskKey, TaskFailure> failures) {
        if (result.succeeded()) {
            return new Observation.TaskSucceeded(start.task(), start.attempt(), result.splits());
        }
        synchronized (failures) {
            failures.put(start.task(), result.failure());
        }
        return new Observation.TaskFailed(start.task(), start.attempt(), result.reason());
    }

    private TaskSpec request(FlowDefinition flow, RunRecord run, Action.StartTask start) {
        return TaskSpec.of(flow.name(), flow.type().getName(), run.runId(), start.task(), start.attempt(), start.inputs(), Map.of(),
                datastore.location(), null);
    }
}
