package io.stratoflow.engine;

import io.stratoflow.engine.Action.CloneTask;
import io.stratoflow.engine.Action.FinishRun;
import io.stratoflow.engine.Action.KillTask;
import io.stratoflow.engine.Action.RecordCaughtFailure;
import io.stratoflow.engine.Action.StartTask;
import io.stratoflow.engine.Observation.StopRequested;
import io.stratoflow.engine.Observation.TaskFailed;
import io.stratoflow.engine.Observation.TaskSucceeded;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.graph.FlowGraph.StepInfo;
import io.stratoflow.graph.GraphValidator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a run does next. Pure: it reads and updates a {@link RunState} from what was
 * observed and returns actions; it performs no I/O and knows nothing of processes or Pods. The
 * local runtime and the Kubernetes operator both drive it, so a flow behaves the same on both.
 */
public final class RunEngine {

    /**
     * Resuming an earlier run: tasks that succeeded there and whose step is not rerun are
     * cloned instead of run.
     */
    public record ResumePlan(RunState origin, Set<String> rerunSteps) {
    }

    private final FlowGraph graph;
    private final Map<String, StepPolicy> policies;
    private final ResumePlan resume;

    public RunEngine(FlowGraph graph, Map<String, StepPolicy> policies) {
        this(graph, policies, null);
    }

    public RunEngine(FlowGraph graph, Map<String, StepPolicy> policies, ResumePlan resume) {
        this.graph = graph;
        this.policies = Map.copyOf(policies);
        this.resume = resume;
    }

    public FlowGraph graph() {
        return graph;
    }

    public Decision decide(RunState state, List<? extends Observation> observations, long nowMillis) {
        if (state.phase().isFinal()) {
            return new Decision(List.of(), Long.MAX_VALUE);
        }
        List<Action> actions = new ArrayList<>();
        if (state.phase() == RunPhase.PENDING) {
            state.phase(RunPhase.RUNNING, null);
            makeReady(state, TaskKey.root(GraphValidator.START), actions);
        }
        Set<Attempt> reported = takeReportedFromRunning(state, observations);
        for (Observation observation : observations) {
            if (state.phase().isFinal()) {
                break;
            }
            apply(state, observation, reported, nowMillis, actions);
        }
        if (!state.phase().isFinal()) {
            enforceTimeouts(state, nowMillis, actions);
        }
        if (!state.phase().isFinal()) {
            launch(state, nowMillis, actions);
        }
        return new Decision(actions, state.phase().isFinal() ? Long.MAX_VALUE : nextWakeUp(state));
    }

    private void apply(RunState state, Observation observation, Set<Attempt> reported, long now, List<Action> actions) {
        if (observation instanceof TaskSucceeded done) {
            if (reported.remove(new Attempt(done.task(), done.attempt()))) {
                succeed(state, done.task(), done.splits(), actions);
            }
        } else if (observation instanceof TaskFailed failed) {
            if (reported.remove(new Attempt(failed.task(), failed.attempt()))) {
                fail(state, failed.task(), failed.attempt(), failed.reason(), now, actions);
            }
        } else if (observation instanceof StopRequested stop) {
            finish(state, RunPhase.STOPPED, stop.reason(), actions);
        }
    }

    private record Attempt(TaskKey task, int attempt) {
    }

    /**
     * Takes the attempts that the observations report as finished out of the running list, in one
     * pass however many there are (a wide fan-out reports thousands at once), and returns them.
     * Reports about attempts that are not running (duplicates, killed attempts) are left out, so
     * they are ignored.
     */
    private static Set<Attempt> takeReportedFromRunning(RunState state, List<? extends Observation> observations) {
        Set<Attempt> finished = new HashSet<>();
        for (Observation observation : observations) {
            if (observation instanceof TaskSucceeded done) {
                finished.add(new Attempt(done.task(), done.attempt()));
            } else if (observation instanceof TaskFailed failed) {
                finished.add(new Attempt(failed.task(), failed.attempt()));
            }
        }
        if (finished.isEmpty()) {
            return finished;
        }
        Set<Attempt> taken = new HashSet<>();
        state.running().removeIf(active -> {
            Attempt attempt = new Attempt(active.task(), active.attempt());
            return finished.contains(attempt) && taken.add(attempt);
        });
        return taken;
    }

    private void succeed(RunState state, TaskKey task, Integer splits, List<Action> actions) {
        StepInfo step = graph.step(task.step());
        frameOf(state, task).succeeded().add(task.path().last());
        switch (step.kind()) {
            case END -> finish(state, RunPhase.SUCCEEDED, null, actions);
            case FOREACH -> fanOut(state, step, task, splits, actions);
            case LINEAR, STATIC_SPLIT -> {
                for (String next : step.next()) {
                    reach(state, graph.step(next), task, actions);
                }
            }
        }
    }

    private void fanOut(RunState state, StepInfo step, TaskKey task, Integer splits, List<Action> actions) {
        if (splits == null) {
            finish(state, RunPhase.FAILED, "Step '" + step.name() + "' (task " + task + ") is a foreach but did not report "
                    + "how many elements '" + step.foreachField() + "' has", actions);
            return;
        }
        if (splits > state.maxNumSplits()) {
            finish(state, RunPhase.FAILED, "Foreach in step '" + step.name() + "' (task " + task + ") yielded " + splits
                    + " splits over '" + step.foreachField() + "', more than the limit of " + state.maxNumSplits()
                    + " splits. Raise the limit with --max-num-splits " + splits + " if this is intended.", actions);
            return;
        }
        if (splits == 0) {
            finish(state, RunPhase.FAILED, "Foreach in step '" + step.name() + "' (task " + task + ") yielded no splits: '"
                    + step.foreachField() + "' is empty. A foreach needs at least one element.", actions);
            return;
        }
        state.step(step.name()).splits().put(task.path(), splits);
        String body = step.next().get(0);
        StepFrame frame = state.step(body).frames().computeIfAbsent(task.path(), p -> new StepFrame(splits));
        if (resume == null || resume.rerunSteps().contains(body)) {
            frame.ready().addRange(0, splits);
            return;
        }
        for (int i = 0; i < splits && !state.phase().isFinal(); i++) {
            makeReady(state, new TaskKey(body, task.path().child(i)), actions);
        }
    }

    private void reach(RunState state, StepInfo next, TaskKey from, List<Action> actions) {
        if (!next.isJoin()) {
            makeReady(state, new TaskKey(next.name(), from.path()), actions);
        } else if (next.joinsForeach()) {
            IndexPath prefix = from.path().parent();
            if (frameOf(state, from).complete()) {
                makeReady(state, new TaskKey(next.name(), prefix), actions);
            }
        } else {
            boolean allArrived = next.predecessors().stream().allMatch(p -> state.succeeded(new TaskKey(p, from.path())));
            if (allArrived) {
                makeReady(state, new TaskKey(next.name(), from.path()), actions);
            }
        }
    }

    private void makeReady(RunState state, TaskKey task, List<Action> actions) {
        StepFrame frame = frameOf(state, task);
        Optional<Integer> cloned = clonable(task);
        if (cloned.isPresent()) {
            actions.add(new CloneTask(task));
            succeed(state, task, cloned.get() < 0 ? null : cloned.get(), actions);
        } else {
            frame.ready().add(task.path().last());
        }
    }

    /** For a task the resume origin already did: its split count, or -1 if it is not a foreach. */
    private Optional<Integer> clonable(TaskKey task) {
        if (resume == null || resume.rerunSteps().contains(task.step()) || !resume.origin().succeeded(task)) {
            return Optional.empty();
        }
        Integer splits = resume.origin().step(task.step()).splits().get(task.path());
        return Optional.of(splits == null ? -1 : splits);
    }

    private StepFrame frameOf(RunState state, TaskKey task) {
        IndexPath prefix = task.path().parent();
        return state.step(task.step()).frames().computeIfAbsent(prefix, p -> new StepFrame(totalOf(state, task.step(), p)));
    }

    private int totalOf(RunState state, String step, IndexPath prefix) {
        StepInfo info = graph.step(step);
        if (info.foreachDepth() == 0) {
            return 1;
        }
        Integer splits = state.step(info.enclosingForeach()).splits().get(prefix);
        if (splits == null) {
            throw new IllegalStateException("No split count for foreach '" + info.enclosingForeach() + "' at '" + prefix + "'");
        }
        return splits;
    }

    private void fail(RunState state, TaskKey task, int attempt, String reason, long now, List<Action> actions) {
        StepInfo step = graph.step(task.step());
        StepPolicy policy = policies.getOrDefault(task.step(), StepPolicy.DEFAULT);
        if (attempt < policy.retries()) {
            state.retrying().add(new ActiveTask(task, attempt + 1, now + policy.retryDelayMillis()));
        } else if (policy.catchesFailure() && step.kind() != FlowGraph.Kind.FOREACH) {
            actions.add(new RecordCaughtFailure(task, attempt, reason, inputsOf(state, task)));
            succeed(state, task, null, actions);
        } else {
            String attempts = policy.retries() > 0 ? " after " + (attempt + 1) + " attempts" : "";
            finish(state, RunPhase.FAILED, "Step '" + task.step() + "' failed in task " + task + attempts + ": " + reason, actions);
        }
    }

    private void enforceTimeouts(RunState state, long now, List<Action> actions) {
        List<ActiveTask> expired = new ArrayList<>();
        for (ActiveTask active : state.running()) {
            long timeout = policies.getOrDefault(active.task().step(), StepPolicy.DEFAULT).timeoutMillis();
            if (timeout > 0 && now - active.sinceMillis() >= timeout) {
                expired.add(active);
            }
        }
        for (ActiveTask active : expired) {
            if (state.phase().isFinal()) {
                return;
            }
            state.running().remove(active);
            long timeout = policies.get(active.task().step()).timeoutMillis();
            String reason = StepPolicy.timeoutReason(timeout);
            actions.add(new KillTask(active.task(), active.attempt(), reason));
            fail(state, active.task(), active.attempt(), reason, now, actions);
        }
    }

    private void launch(RunState state, long now, List<Action> actions) {
        // Due time, then task: the same order whatever order the state was stored in.
        state.retrying().sort(Comparator.comparingLong(ActiveTask::sinceMillis).thenComparing(ActiveTask::task));
        Iterator<ActiveTask> retries = state.retrying().iterator();
        while (retries.hasNext() && state.running().size() < state.maxWorkers()) {
            ActiveTask retry = retries.next();
            if (retry.sinceMillis() > now) {
                break;
            }
            retries.remove();
            start(state, retry.task(), retry.attempt(), now, actions);
        }
        List<String> order = graph.topologicalOrder();
        // Downstream steps first: finishing branches frees their joins sooner.
        for (int i = order.size() - 1; i >= 0 && state.running().size() < state.maxWorkers(); i--) {
            StepInfo step = graph.step(order.get(i));
            StepState progress = state.steps().get(step.name());
            if (progress == null) {
                continue;
            }
            for (Map.Entry<IndexPath, StepFrame> entry : progress.frames().entrySet()) {
                IndexRanges ready = entry.getValue().ready();
                while (!ready.isEmpty() && state.running().size() < state.maxWorkers()) {
                    int index = ready.pollFirst();
                    IndexPath path = step.foreachDepth() == 0 ? IndexPath.ROOT : entry.getKey().child(index);
                    start(state, new TaskKey(step.name(), path), 0, now, actions);
                }
            }
        }
    }

    private void start(RunState state, TaskKey task, int attempt, long now, List<Action> actions) {
        state.running().add(new ActiveTask(task, attempt, now));
        actions.add(new StartTask(task, attempt, inputsOf(state, task)));
    }

    /** The tasks whose artifacts {@code task} starts from. */
    public TaskInputs inputsOf(RunState state, TaskKey task) {
        StepInfo step = graph.step(task.step());
        if (step.predecessors().isEmpty()) {
            return new TaskInputs.None();
        }
        if (step.isJoin() && step.joinsForeach()) {
            int count = state.step(step.joins()).splits().get(task.path());
            return new TaskInputs.ForeachBranches(step.predecessors().get(0), task.path(), count);
        }
        if (step.isJoin()) {
            return new TaskInputs.Parents(step.predecessors().stream().map(p -> new TaskKey(p, task.path())).toList());
        }
        String parent = step.predecessors().get(0);
        IndexPath parentPath = graph.step(parent).kind() == FlowGraph.Kind.FOREACH ? task.path().parent() : task.path();
        return new TaskInputs.Parents(List.of(new TaskKey(parent, parentPath)));
    }

    private void finish(RunState state, RunPhase phase, String message, List<Action> actions) {
        state.phase(phase, message);
        state.running().stream().sorted(Comparator.comparing(ActiveTask::task))
                .forEach(active -> actions.add(new KillTask(active.task(), active.attempt(), "the run " + phase.name().toLowerCase())));
        state.running().clear();
        state.retrying().clear();
        actions.add(new FinishRun(phase, message));
    }

    private long nextWakeUp(RunState state) {
        long wake = Long.MAX_VALUE;
        // With every worker busy, a retry waits for a task to finish, not for its time.
        if (state.running().size() < state.maxWorkers()) {
            for (ActiveTask retry : state.retrying()) {
                wake = Math.min(wake, retry.sinceMillis());
            }
        }
        for (ActiveTask active : state.running()) {
            long timeout = policies.getOrDefault(active.task().step(), StepPolicy.DEFAULT).timeoutMillis();
            if (timeout > 0) {
                wake = Math.min(wake, active.sinceMillis() + timeout);
            }
        }
        return wake;
    }
}
