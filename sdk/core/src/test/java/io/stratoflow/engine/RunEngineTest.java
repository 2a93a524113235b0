package io.stratoflow.engine;

import io.stratoflow.engine.Action.CloneTask;
import io.stratoflow.engine.Action.FinishRun;
import io.stratoflow.engine.Action.KillTask;
import io.stratoflow.engine.Action.RecordCaughtFailure;
import io.stratoflow.engine.Action.StartTask;
import io.stratoflow.engine.Observation.StopRequested;
import io.stratoflow.engine.Observation.TaskFailed;
import io.stratoflow.engine.Observation.TaskSucceeded;
import io.stratoflow.engine.RunEngine.ResumePlan;
import io.stratoflow.engine.TaskInputs.ForeachBranches;
import io.stratoflow.engine.TaskInputs.Parents;
import io.stratoflow.graph.FlowGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static io.stratoflow.engine.EngineDriver.foreach;
import static io.stratoflow.engine.EngineDriver.graph;
import static io.stratoflow.engine.EngineDriver.join;
import static io.stratoflow.engine.EngineDriver.key;
import static io.stratoflow.engine.EngineDriver.only;
import static io.stratoflow.engine.EngineDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

class RunEngineTest {

    private static final TaskKey START = key("start");

    private static FlowGraph linear() {
        return graph(step("start", "a"), step("a", "b"), step("b", "end"), step("end"));
    }

    /** start(foreach items) -> body -> join -> end */
    private static FlowGraph fanOut() {
        return graph(foreach("start", "items", "body"), step("body", "join"), join("join", "end"), step("end"));
    }

    private static FlowGraph nested() {
        return graph(foreach("start", "regions", "inner"), foreach("inner", "shards", "work"), step("work", "innerJoin"),
                join("innerJoin", "outerJoin"), join("outerJoin", "end"), step("end"));
    }

    @Test
    void linearFlowRunsInOrderAndFinishesOnce() {
        EngineDriver d = new EngineDriver(linear(), new RunState());
        assertThat(d.decide()).containsExactly(new StartTask(START, 0, new TaskInputs.None()));
        assertThat(d.state.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);

        assertThat(d.succeed(START)).containsExactly(new StartTask(key("a"), 0, new Parents(List.of(START))));
        assertThat(d.succeed(key("a"))).containsExactly(new StartTask(key("b"), 0, new Parents(List.of(key("a")))));
        assertThat(d.succeed(key("b"))).containsExactly(new StartTask(key("end"), 0, new Parents(List.of(key("b")))));
        assertThat(d.succeed(key("end"))).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
        assertThat(d.state.phase()).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);

        // Nothing more once the run is over, whatever is observed.
        assertThat(d.decide(new TaskSucceeded(key("end"), 0, null), new StopRequested("late"))).isEmpty();
        assertThat(d.state.phase()).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(d.finishes()).hasSize(1);
        assertThat(d.starts()).extracting(s -> s.task().step()).containsExactly("start", "a", "b", "end");
    }

    @Test
    void foreachRespectsMaxWorkersAndJoinsAfterEveryBranch() {
        int n = 10;
        int maxWorkers = 3;
        EngineDriver d = new EngineDriver(fanOut(), new RunState(maxWorkers, 100));
        d.decide();
        List<StartTask> first = only(d.succeed(START, n), StartTask.class);
        assertThat(first).hasSize(maxWorkers)
                .allSatisfy(s -> assertThat(s.inputs()).isEqualTo(new Parents(List.of(START))));

        Random random = new Random(7);
        Set<Integer> succeededBranches = new HashSet<>();
        while (succeededBranches.size() < n) {
            List<TaskKey> body = d.running.keySet().stream().filter(k -> k.step().equals("body")).toList();
            assertThat(body).isNotEmpty().hasSizeLessThanOrEqualTo(maxWorkers);
            TaskKey next = body.get(random.nextInt(body.size()));
            List<Action> actions = d.succeed(next);
            succeededBranches.add(next.path().last());
            assertThat(d.running.size()).isLessThanOrEqualTo(maxWorkers);
            List<StartTask> joins = only(actions, StartTask.class).stream().filter(s -> s.task().step().equals("join")).toList();
            if (succeededBranches.size() < n) {
                assertThat(joins).isEmpty();
            } else {
                assertThat(joins).containsExactly(new StartTask(key("join"), 0, new ForeachBranches("body", IndexPath.ROOT, n)));
            }
        }
        assertThat(d.maxRunning).isEqualTo(maxWorkers);
        assertThat(d.startsOf("body")).extracting(s -> s.task().path().last())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).boxed().toList());
        d.succeed(key("join"));
        d.succeed(key("end"));
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
    }

    @Test
    void aBatchReportingEveryBranchAtOnceStartsTheJoinOnceAndIgnoresRepeatsAndStaleAttempts() {
        int n = 2000;
        EngineDriver d = new EngineDriver(fanOut(), new RunState(n, n));
        d.decide();
        d.succeed(START, n);
        List<Observation> batch = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            batch.add(new Observation.TaskSucceeded(key("body", i), 0, null));
        }
        batch.add(new Observation.TaskSucceeded(key("body", 5), 0, null));
        batch.add(new Observation.TaskFailed(key("body", 6), 3, "an attempt that never ran"));

        List<Action> actions = d.decide(batch.toArray(Observation[]::new));

        assertThat(only(actions, StartTask.class)).containsExactly(new StartTask(key("join"), 0, new ForeachBranches("body", IndexPath.ROOT, n)));
        assertThat(d.state.running()).extracting(ActiveTask::task).containsExactly(key("join"));
        assertThat(d.finishes()).isEmpty();
    }

    @Test
    void nestedForeachJoinsCountTheirOwnBranches() {
        EngineDriver d = new EngineDriver(nested(), new RunState(5, 100));
        d.decide();
        // Three regions; region r has r + 2 shards, so a mix-up between prefixes shows.
        d.runToEnd(task -> task.step().equals("start") ? 3 : task.path().last() + 2);

        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
        assertThat(d.startsOf("inner")).extracting(StartTask::task).containsExactlyInAnyOrder(key("inner", 0), key("inner", 1), key("inner", 2));
        assertThat(d.startsOf("work")).hasSize(2 + 3 + 4);
        assertThat(d.startsOf("work")).allSatisfy(s ->
                assertThat(s.inputs()).isEqualTo(new Parents(List.of(key("inner", s.task().path().get(0))))));
        assertThat(d.startsOf("innerJoin")).containsExactlyInAnyOrder(
                new StartTask(key("innerJoin", 0), 0, new ForeachBranches("work", IndexPath.of(0), 2)),
                new StartTask(key("innerJoin", 1), 0, new ForeachBranches("work", IndexPath.of(1), 3)),
                new StartTask(key("innerJoin", 2), 0, new ForeachBranches("work", IndexPath.of(2), 4)));
        assertThat(d.startsOf("outerJoin")).containsExactly(
                new StartTask(key("outerJoin"), 0, new ForeachBranches("innerJoin", IndexPath.ROOT, 3)));
        assertThat(d.state.step("work").succeededCount()).isEqualTo(9);
        assertThat(d.state.step("work").knownTotal()).isEqualTo(9);
    }

    @Test
    void staticSplitJoinHasBothBranchesAsParents() {
        FlowGraph graph = graph(step("start", "a", "b"), step("a", "j"), step("b", "b2"), step("b2", "j"), join("j", "end"), step("end"));
        EngineDriver d = new EngineDriver(graph, new RunState());
        d.decide();
        assertThat(only(d.succeed(START), StartTask.class)).extracting(StartTask::task).containsExactlyInAnyOrder(key("a"), key("b"));
        assertThat(d.succeed(key("a"))).isEmpty();
        assertThat(only(d.succeed(key("b")), StartTask.class)).extracting(StartTask::task).containsExactly(key("b2"));
        assertThat(d.succeed(key("b2"))).containsExactly(new StartTask(key("j"), 0, new Parents(List.of(key("a"), key("b2")))));
        d.succeed(key("j"));
        d.succeed(key("end"));
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
    }

    @Test
    void joinThatIsItselfAForeach() {
        FlowGraph graph = graph(foreach("start", "items", "body"),
                new io.stratoflow.graph.StepNode("regroup", List.of("again"), "groups", true, null),
                step("body", "regroup"), step("again", "j2"), join("j2", "end"), step("end"));
        EngineDriver d = new EngineDriver(graph, new RunState());
        d.decide();
        d.runToEnd(task -> task.step().equals("start") ? 3 : 5);
        assertThat(d.startsOf("regroup")).containsExactly(new StartTask(key("regroup"), 0, new ForeachBranches("body", IndexPath.ROOT, 3)));
        assertThat(d.startsOf("again")).hasSize(5)
                .allSatisfy(s -> assertThat(s.inputs()).isEqualTo(new Parents(List.of(key("regroup")))));
        assertThat(d.startsOf("j2")).containsExactly(new StartTask(key("j2"), 0, new ForeachBranches("again", IndexPath.ROOT, 5)));
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
    }

    @Test
    void joinThatIsItselfAStaticSplit() {
        FlowGraph graph = graph(foreach("start", "items", "body"), step("body", "j"), join("j", "x", "y"), step("x", "j2"),
                step("y", "j2"), join("j2", "end"), step("end"));
        EngineDriver d = new EngineDriver(graph, new RunState());
        d.decide();
        d.runToEnd(task -> 2);
        assertThat(d.startsOf("x")).extracting(StartTask::inputs).containsExactly(new Parents(List.of(key("j"))));
        assertThat(d.startsOf("j2")).extracting(StartTask::inputs).containsExactly(new Parents(List.of(key("x"), key("y"))));
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
    }

    @Test
    void runStateRejectsNonsenseLimits() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunState(0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-workers");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunState(1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-num-splits");
    }

    @Test
    void tooManySplitsFailsTheRunNamingTheLimit() {
        EngineDriver d = new EngineDriver(fanOut(), new RunState(16, 5));
        d.decide();
        List<Action> actions = d.succeed(START, 6);
        assertThat(actions).singleElement().isInstanceOfSatisfying(FinishRun.class, f -> {
            assertThat(f.phase()).isEqualTo(RunPhase.FAILED);
            assertThat(f.message()).contains("'start'", "6 splits", "'items'", "limit of 5", "--max-num-splits 6");
        });
        assertThat(d.state.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(d.state.message()).isEqualTo(((FinishRun) actions.get(0)).message());
        assertThat(d.startsOf("body")).isEmpty();
    }

    @Test
    void splitsAtTheLimitAreAccepted() {
        EngineDriver d = new EngineDriver(fanOut(), new RunState(16, 5));
        d.decide();
        assertThat(only(d.succeed(START, 5), StartTask.class)).hasSize(5);
        assertThat(d.finished()).isFalse();
    }

    @Test
    void zeroSplitsFailsClearly() {
        EngineDriver d = new EngineDriver(fanOut(), new RunState());
        d.decide();
        assertThat(d.succeed(START, 0)).singleElement().isInstanceOfSatisfying(FinishRun.class, f -> {
            assertThat(f.phase()).isEqualTo(RunPhase.FAILED);
            assertThat(f.message()).contains("'start'", "no splits", "'items' is empty");
        });
        assertThat(d.startsOf("join")).isEmpty();
    }

    @Test
    void foreachThatReportsNoCountFails() {
        EngineDriver d = new EngineDriver(fanOut(), new RunState());
        d.decide();
        assertThat(d.succeed(START, null)).singleElement().isInstanceOfSatisfying(FinishRun.class, f -> {
            assertThat(f.phase()).isEqualTo(RunPhase.FAILED);
            assertThat(f.message()).contains("'start'", "did not report", "'items'");
        });
    }

    @Test
    void retryWaitsForItsDelayThenStartsTheNextAttempt() {
        EngineDriver d = new EngineDriver(linear(), Map.of("a", new StepPolicy(2, 1000, 0, false)), new RunState(), null);
        d.decide();
        d.succeed(START);
        d.now = 5000;
        assertThat(d.fail(key("a"), "boom")).isEmpty();
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(6000);
        assertThat(d.state.retrying()).containsExactly(new ActiveTask(key("a"), 1, 6000));

        d.now = 5999;
        assertThat(d.decide()).isEmpty();
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(6000);

        d.now = 6000;
        assertThat(d.decide()).containsExactly(new StartTask(key("a"), 1, new Parents(List.of(START))));
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(d.state.retrying()).isEmpty();

        d.now = 7000;
        assertThat(d.fail(key("a"), "boom again")).isEmpty();
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(8000);
        d.now = 8000;
        assertThat(d.decide()).containsExactly(new StartTask(key("a"), 2, new Parents(List.of(START))));

        d.now = 9000;
        assertThat(d.fail(key("a"), "out of memory")).singleElement().isInstanceOfSatisfying(FinishRun.class, f -> {
            assertThat(f.phase()).isEqualTo(RunPhase.FAILED);
            assertThat(f.message()).contains("'a'", "task a/0", "after 3 attempts", "out of memory");
        });
        assertThat(d.startsOf("b")).isEmpty();
    }

    @Test
    void retrySucceedsAndTheRunGoesOn() {
        EngineDriver d = new EngineDriver(linear(), Map.of("a", new StepPolicy(1, 0, 0, false)), new RunState(), null);
        d.decide();
        d.succeed(START);
        // No delay: the retry starts in the same decision.
        assertThat(d.fail(key("a"), "flaky")).containsExactly(new StartTask(key("a"), 1, new Parents(List.of(START))));
        d.runToEnd(t -> null);
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
    }

    @Test
    void failureWithoutRetriesNamesStepAndTask() {
        EngineDriver d = new EngineDriver(fanOut(), new RunState(2, 100));
        d.decide();
        d.succeed(START, 4);
        List<Action> actions = d.fail(key("body", 1), "bad shard");
        // The other running branch is killed before the run finishes.
        assertThat(actions).containsExactly(new KillTask(key("body", 0), 0, "the run failed"),
                new FinishRun(RunPhase.FAILED, "Step 'body' failed in task body/1: bad shard"));
        assertThat(d.state.running()).isEmpty();
    }

    @Test
    void catchRecordsTheFailureAndProceeds() {
        EngineDriver d = new EngineDriver(linear(), Map.of("a", new StepPolicy(1, 0, 0, true)), new RunState(), null);
        d.decide();
        d.succeed(START);
        // The retry comes first ...
        assertThat(d.fail(key("a"), "flaky")).containsExactly(new StartTask(key("a"), 1, new Parents(List.of(START))));
        // ... then the failure is caught and the flow goes on.
        assertThat(d.fail(key("a"), "still broken")).containsExactly(
                new RecordCaughtFailure(key("a"), 1, "still broken", new Parents(List.of(START))),
                new StartTask(key("b"), 0, new Parents(List.of(key("a")))));
        d.runToEnd(t -> null);
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
        assertThat(d.state.succeeded(key("a"))).isTrue();
    }

    @Test
    void caughtFailuresInAForeachStillCompleteTheJoin() {
        EngineDriver d = new EngineDriver(fanOut(), Map.of("body", new StepPolicy(0, 0, 0, true)), new RunState(), null);
        d.decide();
        d.succeed(START, 3);
        d.fail(key("body", 1), "bad");
        d.succeed(key("body", 0));
        List<Action> actions = d.succeed(key("body", 2));
        assertThat(actions).containsExactly(new StartTask(key("join"), 0, new ForeachBranches("body", IndexPath.ROOT, 3)));
    }

    @Test
    void catchDoesNotApplyToAForeachStep() {
        EngineDriver d = new EngineDriver(fanOut(), Map.of("start", new StepPolicy(0, 0, 0, true)), new RunState(), null);
        d.decide();
        assertThat(d.fail(START, "no list")).singleElement().isInstanceOfSatisfying(FinishRun.class,
                f -> assertThat(f.phase()).isEqualTo(RunPhase.FAILED));
    }

    @Test
    void timeoutKillsTheAttemptAndCountsAsAFailure() {
        EngineDriver d = new EngineDriver(linear(), Map.of("a", new StepPolicy(1, 0, 60_000, false)), new RunState(), null);
        d.decide();
        d.now = 1000;
        d.succeed(START);
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(61_000);

        d.now = 60_999;
        assertThat(d.decide()).isEmpty();
        d.now = 61_000;
        List<Action> actions = d.decide();
        assertThat(actions).hasSize(2);
        assertThat(actions.get(0)).isInstanceOfSatisfying(KillTask.class, k -> {
            assertThat(k.task()).isEqualTo(key("a"));
            assertThat(k.attempt()).isZero();
            assertThat(k.reason()).contains("timed out after 1m");
        });
        assertThat(actions.get(1)).isEqualTo(new StartTask(key("a"), 1, new Parents(List.of(START))));
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(121_000);

        // The killed attempt's late report is ignored.
        assertThat(d.decide(new TaskSucceeded(key("a"), 0, null))).isEmpty();
        assertThat(d.state.runningTask(key("a"))).hasValueSatisfying(t -> assertThat(t.attempt()).isEqualTo(1));
        assertThat(d.state.succeeded(key("a"))).isFalse();

        d.now = 125_000;
        List<Action> last = d.decide();
        assertThat(only(last, KillTask.class)).extracting(KillTask::attempt).containsExactly(1);
        assertThat(only(last, FinishRun.class)).singleElement().satisfies(f -> {
            assertThat(f.phase()).isEqualTo(RunPhase.FAILED);
            assertThat(f.message()).contains("'a'", "a/0", "timed out", "2 attempts");
        });
    }

    @Test
    void staleAndDuplicateObservationsAreIgnored() {
        EngineDriver d = new EngineDriver(fanOut(), new RunState());
        d.decide();
        d.succeed(START, 2);
        // The same success twice, in one decision and again later: body/0 counts once.
        assertThat(d.decide(new TaskSucceeded(key("body", 0), 0, null), new TaskSucceeded(key("body", 0), 0, null))).isEmpty();
        assertThat(d.decide(new TaskSucceeded(key("body", 0), 0, null))).isEmpty();
        // A report about an attempt that is not the running one.
        assertThat(d.decide(new TaskSucceeded(key("body", 1), 1, null), new TaskFailed(key("body", 1), 3, "old"))).isEmpty();
        assertThat(d.state.runningTask(key("body", 1))).isPresent();
        // Reports about tasks that never started, and a failure of a task that already succeeded.
        assertThat(d.decide(new TaskSucceeded(key("join"), 0, null), new TaskFailed(key("body", 0), 0, "late"),
                new TaskFailed(START, 0, "late"))).isEmpty();
        assertThat(d.state.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(d.state.step("body").succeededCount()).isEqualTo(1);

        assertThat(d.succeed(key("body", 1))).containsExactly(new StartTask(key("join"), 0, new ForeachBranches("body", IndexPath.ROOT, 2)));
    }

    @Test
    void stopKillsEverythingAndFinishesStopped() {
        EngineDriver d = new EngineDriver(fanOut(), Map.of("body", new StepPolicy(1, 10_000, 0, false)), new RunState(3, 100), null);
        d.decide();
        d.succeed(START, 5);
        d.fail(key("body", 0), "flaky"); // waits to be retried
        assertThat(d.state.retrying()).hasSize(1);
        List<Action> actions = d.decide(new StopRequested("stopped by alice"));
        assertThat(only(actions, KillTask.class)).extracting(KillTask::task)
                .containsExactlyInAnyOrder(key("body", 1), key("body", 2), key("body", 3));
        assertThat(actions.get(actions.size() - 1)).isEqualTo(new FinishRun(RunPhase.STOPPED, "stopped by alice"));
        assertThat(only(actions, StartTask.class)).isEmpty();
        assertThat(d.state.phase()).isEqualTo(RunPhase.STOPPED);
        assertThat(d.state.message()).isEqualTo("stopped by alice");
        assertThat(d.state.running()).isEmpty();
        assertThat(d.state.retrying()).isEmpty();

        d.now = 1_000_000;
        assertThat(d.decide(new TaskSucceeded(key("body", 1), 0, null))).isEmpty();
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(d.finishes()).hasSize(1);
    }

    @Test
    void retryWaitingForAWorkerDoesNotAskForAWakeUp() {
        EngineDriver d = new EngineDriver(fanOut(), Map.of("body", new StepPolicy(1, 1000, 0, false)), new RunState(2, 100), null);
        d.decide();
        d.succeed(START, 4);
        assertThat(d.fail(key("body", 0), "flaky")).containsExactly(new StartTask(key("body", 2), 0, new Parents(List.of(START))));
        // Both workers are busy: only a finishing task can let the retry start, so waking up at its time would be a busy loop.
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);
        d.now = 1500;
        assertThat(d.decide()).isEmpty();
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);

        // A worker frees up when the retry is due: the retry goes before the ready body/3.
        d.now = 1600;
        assertThat(d.succeed(key("body", 1))).containsExactly(new StartTask(key("body", 0), 1, new Parents(List.of(START))));
    }

    @Test
    void retryNotYetDueWithAFreeWorkerAsksForAWakeUp() {
        EngineDriver d = new EngineDriver(fanOut(), Map.of("body", new StepPolicy(1, 1000, 0, false)), new RunState(2, 100), null);
        d.decide();
        d.succeed(START, 2);
        d.now = 100;
        assertThat(d.fail(key("body", 0), "flaky")).isEmpty();
        assertThat(d.last.wakeUpAtMillis()).isEqualTo(1100);
        d.now = 1099;
        assertThat(d.decide()).isEmpty();
        d.now = 1100;
        assertThat(d.decide()).containsExactly(new StartTask(key("body", 0), 1, new Parents(List.of(START))));
    }

    // ---- resume ----

    /** start(foreach items) -> train -> join -> end; train/2 fails after train/0, 1 and 3 succeeded. */
    private static RunState failedOrigin(FlowGraph graph) {
        EngineDriver origin = new EngineDriver(graph, new RunState(16, 100));
        origin.decide();
        origin.succeed(START, 4);
        origin.succeed(key("train", 0));
        origin.succeed(key("train", 3));
        origin.succeed(key("train", 1));
        origin.fail(key("train", 2), "diverged");
        assertThat(origin.state.phase()).isEqualTo(RunPhase.FAILED);
        // The origin is read back from where a runtime stores it.
        return EngineDriver.roundTrip(origin.state);
    }

    private static FlowGraph trainFlow() {
        return graph(foreach("start", "items", "train"), step("train", "join"), join("join", "end"), step("end"));
    }

    @Test
    void resumeClonesWhatSucceededAndRunsOnlyTheRest() {
        FlowGraph graph = trainFlow();
        RunState origin = failedOrigin(graph);
        EngineDriver d = new EngineDriver(graph, Map.of(), new RunState(16, 100), new ResumePlan(origin, Set.of()));
        List<Action> first = d.decide();
        assertThat(only(first, CloneTask.class)).extracting(CloneTask::task)
                .containsExactly(START, key("train", 0), key("train", 1), key("train", 3));
        assertThat(only(first, StartTask.class)).containsExactly(new StartTask(key("train", 2), 0, new Parents(List.of(START))));
        assertThat(d.state.succeeded(START)).isTrue();
        assertThat(d.state.step("start").splits()).containsEntry(IndexPath.ROOT, 4);

        assertThat(d.succeed(key("train", 2))).containsExactly(new StartTask(key("join"), 0, new ForeachBranches("train", IndexPath.ROOT, 4)));
        d.runToEnd(t -> null);
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
        assertThat(d.startsOf("start")).isEmpty();
        assertThat(d.startsOf("train")).extracting(StartTask::task).containsExactly(key("train", 2));
        assertThat(d.startsOf("join")).hasSize(1);
        assertThat(d.startsOf("end")).hasSize(1);
    }

    @Test
    void resumeRerunningStepsStartsThemAllAgain() {
        FlowGraph graph = trainFlow();
        RunState origin = failedOrigin(graph);
        Set<String> rerun = Set.copyOf(graph.reachableFrom("train"));
        EngineDriver d = new EngineDriver(graph, Map.of(), new RunState(16, 100), new ResumePlan(origin, rerun));
        List<Action> first = d.decide();
        assertThat(only(first, CloneTask.class)).containsExactly(new CloneTask(START));
        assertThat(only(first, StartTask.class)).extracting(StartTask::task)
                .containsExactly(key("train", 0), key("train", 1), key("train", 2), key("train", 3));
        d.runToEnd(t -> null);
        assertThat(d.finishes()).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
        assertThat(only(d.emitted, CloneTask.class)).hasSize(1);
    }

    @Test
    void resumeOfASuccessfulRunClonesEverything() {
        FlowGraph graph = nested();
        EngineDriver origin = new EngineDriver(graph, new RunState(4, 100));
        origin.decide();
        origin.runToEnd(task -> 3);
        RunState done = EngineDriver.roundTrip(origin.state);

        EngineDriver d = new EngineDriver(graph, Map.of(), new RunState(4, 100), new ResumePlan(done, Set.of()));
        List<Action> actions = d.decide();
        assertThat(only(actions, StartTask.class)).isEmpty();
        assertThat(only(actions, CloneTask.class)).hasSize(1 + 3 + 9 + 3 + 1 + 1);
        assertThat(actions.get(actions.size() - 1)).isEqualTo(new FinishRun(RunPhase.SUCCEEDED, null));
    }

    @Test
    void stateRoundTripsThroughJsonMidRun() {
        EngineDriver d = new EngineDriver(nested(), Map.of("work", new StepPolicy(2, 500, 0, false)), new RunState(4, 100), null);
        d.decide();
        d.succeed(START, 3);
        d.succeed(key("inner", 1), 2);
        d.fail(key("work", 1, 0), "flaky");
        String json = EngineDriver.json(d.state);
        assertThat(json).contains("\"1\"", "\"\"", "\"work\"");
        RunState back = EngineDriver.roundTrip(d.state);
        assertThat(back.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(back.maxWorkers()).isEqualTo(4);
        assertThat(back.retrying()).containsExactlyElementsOf(d.state.retrying());
        assertThat(back.running()).containsExactlyElementsOf(d.state.running());
        assertThat(back.step("start").splits()).containsEntry(IndexPath.ROOT, 3);
        assertThat(back.step("inner").splits()).containsEntry(IndexPath.of(1), 2);
        assertThat(back.succeeded(key("inner", 1))).isTrue();
        // Frames read back stay ordered by index, as the engine walks them in that order.
        back.step("work").frames().put(IndexPath.of(0), new StepFrame(1));
        assertThat(back.step("work").frames().keySet()).containsExactly(IndexPath.of(0), IndexPath.of(1));
        back.step("inner").splits().put(IndexPath.of(0), 1);
        assertThat(back.step("inner").splits().keySet()).containsExactly(IndexPath.of(0), IndexPath.of(1));
    }

    @Test
    void runStateOnlyKnowsWhatWasObserved() {
        // A control: the engine must not mark tasks as done that were never reported.
        EngineDriver d = new EngineDriver(fanOut(), new RunState(2, 100));
        d.decide();
        d.succeed(START, 3);
        List<TaskKey> running = new ArrayList<>(d.running.keySet());
        assertThat(running).hasSize(2);
        running.forEach(k -> assertThat(d.state.succeeded(k)).isFalse());
        assertThat(d.state.step("body").frames().get(IndexPath.ROOT).ready()).hasToString("2");
    }
}
