package io.stratoflow.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratoflow.engine.Action.CloneTask;
import io.stratoflow.engine.Action.FinishRun;
import io.stratoflow.engine.Action.KillTask;
import io.stratoflow.engine.Action.RecordCaughtFailure;
import io.stratoflow.engine.Action.StartTask;
import io.stratoflow.engine.Observation.TaskSucceeded;
import io.stratoflow.graph.ArtifactTypes;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.graph.StepNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives a {@link RunEngine} the way an executor would, with a clock the test sets, and checks
 * on every decision what must always hold: started tasks' inputs have succeeded, no attempt is
 * started twice, nothing follows the end of the run.
 */
final class EngineDriver {

    static final ObjectMapper JSON = new ObjectMapper();

    final RunEngine engine;
    RunState state;
    long now;
    Decision last;
    final List<Action> emitted = new ArrayList<>();
    /** Running attempts as the executor knows them. */
    final Map<TaskKey, Integer> running = new LinkedHashMap<>();
    /** Tasks reported as succeeded, cloned or recorded as caught. */
    final Set<TaskKey> done = new HashSet<>();
    final Set<String> startedAttempts = new HashSet<>();
    int maxRunning;

    EngineDriver(FlowGraph graph, Map<String, StepPolicy> policies, RunState state, RunEngine.ResumePlan resume) {
        this.engine = new RunEngine(graph, policies, resume);
        this.state = state;
    }

    EngineDriver(FlowGraph graph, RunState state) {
        this(graph, Map.of(), state, null);
    }

    // ---- building graphs ----

    static StepNode step(String name, String... next) {
        return new StepNode(name, List.of(next), null, false, null);
    }

    static StepNode foreach(String name, String field, String next) {
        return new StepNode(name, List.of(next), field, false, null);
    }

    static StepNode join(String name, String... next) {
        return new StepNode(name, List.of(next), null, true, null);
    }

    static FlowGraph graph(StepNode... nodes) {
        return FlowGraph.of("TestFlow", List.of(nodes), ArtifactTypes.UNKNOWN);
    }

    static TaskKey key(String step, int... indices) {
        return new TaskKey(step, IndexPath.of(indices));
    }

    // ---- driving ----

    List<Action> decide(Observation... observations) {
        for (Observation observation : observations) {
            if (observation instanceof TaskSucceeded ok && Integer.valueOf(ok.attempt()).equals(running.get(ok.task()))) {
                running.remove(ok.task());
                done.add(ok.task());
            } else if (observation instanceof Observation.TaskFailed failed
                    && Integer.valueOf(failed.attempt()).equals(running.get(failed.task()))) {
                running.remove(failed.task());
            }
        }
        last = engine.decide(state, List.of(observations), now);
        boolean finishedBefore = emitted.stream().anyMatch(FinishRun.class::isInstance);
        if (finishedBefore) {
            assertThat(last.actions()).as("actions after the run ended").isEmpty();
            assertThat(last.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);
        }
        for (Action action : last.actions()) {
            assertThat(emitted.stream().anyMatch(FinishRun.class::isInstance)).as("action %s after FinishRun", action).isFalse();
            emitted.add(action);
            if (action instanceof StartTask start) {
                assertThat(startedAttempts.add(start.task() + "#" + start.attempt())).as("started twice: %s", start).isTrue();
                assertThat(done.contains(start.task())).as("%s started after it was done", start.task()).isFalse();
                inputTasks(start.inputs()).forEach(input ->
                        assertThat(done.contains(input)).as("input %s of %s has not succeeded", input, start.task()).isTrue());
                running.put(start.task(), start.attempt());
            } else if (action instanceof KillTask kill) {
                assertThat(running.remove(kill.task())).as("killed %s", kill.task()).isEqualTo(kill.attempt());
            } else if (action instanceof CloneTask clone) {
                assertThat(done.add(clone.task())).as("cloned twice: %s", clone.task()).isTrue();
            } else if (action instanceof RecordCaughtFailure caught) {
                assertThat(done.add(caught.task())).isTrue();
            }
        }
        // What the executor thinks is running is what the engine thinks is running.
        Set<String> engineRunning = new HashSet<>();
        state.running().forEach(t -> engineRunning.add(t.task() + "#" + t.attempt()));
        Set<String> ours = new HashSet<>();
        running.forEach((k, a) -> ours.add(k + "#" + a));
        assertThat(engineRunning).isEqualTo(ours);
        assertThat(running.size()).isLessThanOrEqualTo(state.maxWorkers());
        maxRunning = Math.max(maxRunning, running.size());
        return last.actions();
    }

    /** Reports the success of the running attempt of {@code task}. */
    List<Action> succeed(TaskKey task) {
        return succeed(task, null);
    }

    List<Action> succeed(TaskKey task, Integer splits) {
        Integer attempt = running.get(task);
        assertThat(attempt).as("%s is not running", task).isNotNull();
        return decide(new TaskSucceeded(task, attempt, splits));
    }

    List<Action> fail(TaskKey task, String reason) {
        Integer attempt = running.get(task);
        assertThat(attempt).as("%s is not running", task).isNotNull();
        return decide(new Observation.TaskFailed(task, attempt, reason));
    }

    /** Succeeds every running task, round after round, until the run ends; splits come from {@code splits}. */
    void runToEnd(Function<TaskKey, Integer> splits) {
        for (int round = 0; round < 100_000 && !finished(); round++) {
            assertThat(running).as("nothing runs but the run is not over").isNotEmpty();
            List<Observation> observations = new ArrayList<>();
            List<TaskKey> keys = new ArrayList<>(running.keySet());
            for (int i = keys.size() - 1; i >= 0; i--) {
                TaskKey task = keys.get(i);
                boolean isForeach = engine.graph().step(task.step()).kind() == FlowGraph.Kind.FOREACH;
                observations.add(new TaskSucceeded(task, running.get(task), isForeach ? splits.apply(task) : null));
            }
            decide(observations.toArray(Observation[]::new));
        }
        assertThat(finished()).isTrue();
    }

    boolean finished() {
        return emitted.stream().anyMatch(FinishRun.class::isInstance);
    }

    List<FinishRun> finishes() {
        return only(emitted, FinishRun.class);
    }

    List<StartTask> starts() {
        return only(emitted, StartTask.class);
    }

    List<StartTask> startsOf(String step) {
        return starts().stream().filter(s -> s.task().step().equals(step)).toList();
    }

    static <T extends Action> List<T> only(List<Action> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static List<TaskKey> inputTasks(TaskInputs inputs) {
        if (inputs instanceof TaskInputs.Parents parents) {
            return parents.tasks();
        }
        if (inputs instanceof TaskInputs.ForeachBranches branches) {
            List<TaskKey> tasks = new ArrayList<>();
            for (int i = 0; i < branches.count(); i++) {
                tasks.add(branches.branch(i));
            }
            return tasks;
        }
        return List.of();
    }

    static String json(RunState state) {
        try {
            return JSON.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Serializes, deserializes and checks that serializing again gives the same JSON. */
    static RunState roundTrip(RunState state) {
        String json = json(state);
        try {
            RunState back = JSON.readValue(json, RunState.class);
            assertThat(json(back)).isEqualTo(json);
            return back;
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
