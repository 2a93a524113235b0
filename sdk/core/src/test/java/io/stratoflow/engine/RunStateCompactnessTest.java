package io.stratoflow.engine;

import io.stratoflow.engine.Action.FinishRun;
import io.stratoflow.engine.Action.StartTask;
import io.stratoflow.engine.Observation.TaskSucceeded;
import io.stratoflow.graph.FlowGraph;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.stratoflow.engine.EngineDriver.foreach;
import static io.stratoflow.engine.EngineDriver.graph;
import static io.stratoflow.engine.EngineDriver.join;
import static io.stratoflow.engine.EngineDriver.key;
import static io.stratoflow.engine.EngineDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

/** A run's state stays small at any fan-out: it records finished splits as ranges, not one by one. */
class RunStateCompactnessTest {

    @Test
    void tenThousandWayForeachKeepsTheStateSmall() {
        int n = 10_000;
        int maxWorkers = 16;
        FlowGraph graph = graph(foreach("start", "items", "body"), step("body", "join"), join("join", "end"), step("end"));
        RunEngine engine = new RunEngine(graph, Map.of());
        RunState state = new RunState(maxWorkers, n);
        Random random = new Random(10_000);
        long now = 0;

        List<ActiveTask> running = new ArrayList<>();
        assertThat(engine.decide(state, List.of(), now).actions()).containsExactly(new StartTask(key("start"), 0, new TaskInputs.None()));
        List<Action> actions = engine.decide(state, List.of(new TaskSucceeded(key("start"), 0, n)), ++now).actions();
        assertThat(actions).hasSize(maxWorkers);
        int completed = 0;
        int checkpoints = 0;
        List<StartTask> joins = new ArrayList<>();
        while (completed < n) {
            for (Action action : actions) {
                if (action instanceof StartTask start && start.task().step().equals("body")) {
                    running.add(new ActiveTask(start.task(), start.attempt(), now));
                } else if (action instanceof StartTask start) {
                    joins.add(start);
                }
            }
            assertThat(running).hasSizeLessThanOrEqualTo(maxWorkers);
            // Any of the running tasks may finish next: a shuffled order within a sliding window.
            ActiveTask next = running.remove(random.nextInt(running.size()));
            actions = engine.decide(state, List.of(new TaskSucceeded(next.task(), next.attempt(), null)), ++now).actions();
            completed++;
            if (completed % 500 == 0) {
                checkpoints++;
                String json = EngineDriver.json(state);
                assertThat(json.getBytes(StandardCharsets.UTF_8).length).as("state after %d completions: %s", completed, json)
                        .isLessThan(8 * 1024);
                assertThat(state.step("body").succeededCount()).isEqualTo(completed);
                RunState back = EngineDriver.roundTrip(state);
                assertThat(back.step("body").succeededCount()).isEqualTo(completed);
            }
        }
        actions.stream().filter(StartTask.class::isInstance).map(StartTask.class::cast).forEach(joins::add);
        assertThat(checkpoints).isEqualTo(n / 500);
        assertThat(joins).containsExactly(new StartTask(key("join"), 0, new TaskInputs.ForeachBranches("body", IndexPath.ROOT, n)));
        assertThat(state.step("body").frames().get(IndexPath.ROOT).succeeded()).hasToString("0-9999");

        engine.decide(state, List.of(new TaskSucceeded(key("join"), 0, null)), ++now);
        List<Action> last = engine.decide(state, List.of(new TaskSucceeded(key("end"), 0, null)), ++now).actions();
        assertThat(last).containsExactly(new FinishRun(RunPhase.SUCCEEDED, null));
        assertThat(EngineDriver.json(state).length()).isLessThan(1024);
    }

    @Test
    void tenThousandRunningSplitsStartedTogetherTakeOneEntry() {
        int n = 10_000;
        FlowGraph graph = graph(foreach("start", "items", "body"), step("body", "join"), join("join", "end"), step("end"));
        RunEngine engine = new RunEngine(graph, Map.of());
        RunState state = new RunState(n, n);
        engine.decide(state, List.of(), 0);
        List<Action> actions = engine.decide(state, List.of(new TaskSucceeded(key("start"), 0, n)), 1).actions();
        assertThat(actions).hasSize(n);
        assertThat(state.running()).hasSize(n);

        String json = EngineDriver.json(state);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).as(json).isLessThan(1024);
        RunState back = EngineDriver.roundTrip(state);
        assertThat(back.running()).containsExactlyInAnyOrderElementsOf(state.running());

        // Half of them finish; the rest stay grouped.
        List<Observation> done = new ArrayList<>();
        for (int i = 0; i < n; i += 2) {
            done.add(new TaskSucceeded(key("body", i), 0, null));
        }
        engine.decide(state, done, 2);
        assertThat(EngineDriver.json(state).getBytes(StandardCharsets.UTF_8).length).isLessThan(64 * 1024);
        assertThat(EngineDriver.roundTrip(state).running()).hasSize(n / 2);
    }
}
