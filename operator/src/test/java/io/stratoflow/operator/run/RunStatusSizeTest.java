package io.stratoflow.operator.run;

import io.stratoflow.datastore.Json;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Decision;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunEngine;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.RunStatus;
import io.stratoflow.operator.Fixtures;
import io.stratoflow.operator.flow.FlowGraphs;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Run's status stays small at any fan-out: driven through a 10,000-way foreach with 500 tasks running at once and
 * finishing in random order, the status (flow snapshot, per-step counters, engine state) never reaches 64 KiB.
 */
class RunStatusSizeTest {

    static final int SPLITS = 10_000;
    static final int MAX_WORKERS = 500;
    static final int LIMIT = 64 * 1024;

    static int size(RunStatus status) throws Exception {
        return Json.METADATA.writeValueAsBytes(status).length;
    }

    @Test
    void statusStaysUnder64KiBThroughA10000WayForeach() throws Exception {
        FlowResourceSpec flow = Fixtures.flow("ns", "wide", Fixtures.foreachSteps(s -> s)).getSpec();
        FlowGraph graph = FlowGraphs.graph("wide", flow);
        RunEngine engine = new RunEngine(graph, Map.of());
        RunState state = new RunState(MAX_WORKERS, SPLITS);
        RunStatus status = new RunStatus();
        status.pinnedFlow = flow;
        Random random = new Random(42);
        long now = 1_700_000_000_000L;
        int largest = 0;

        Decision decision = engine.decide(state, List.of(), now);
        List<Observation> done = new ArrayList<>();
        done.add(new Observation.TaskSucceeded(state.running().get(0).task(), 0, SPLITS));
        int decisions = 0;
        while (!state.phase().isFinal()) {
            decision = engine.decide(state, done, ++now);
            RunStatusAggregator.fromState(status, state, graph, 1, Instant.ofEpochMilli(now));
            largest = Math.max(largest, size(status));
            decisions++;
            // A random third of the running tasks finish before the next decision.
            done = new ArrayList<>();
            for (ActiveTask active : state.running()) {
                if (random.nextInt(3) == 0 || state.running().size() < 3) {
                    done.add(new Observation.TaskSucceeded(active.task(), active.attempt(), null));
                }
            }
        }

        assertThat(state.phase()).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(status.progress).isEqualTo((SPLITS + 3) + "/" + (SPLITS + 3));
        assertThat(decisions).isGreaterThan(SPLITS / MAX_WORKERS);
        assertThat(largest).as("largest serialized status, bytes").isLessThan(LIMIT);
        // Finished splits are ranges, not entries: the final state is tiny.
        assertThat(size(status)).isLessThan(4 * 1024);
        assertThat(Json.METADATA.writeValueAsString(status.engine)).contains("\"0-9999\"");
    }
}
