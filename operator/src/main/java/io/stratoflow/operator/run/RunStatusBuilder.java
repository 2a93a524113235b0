package io.stratoflow.operator.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratoflow.datastore.Json;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepState;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.StepProgress;
import io.stratoflow.operator.status.Conditions;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Assembles a Run's status in one place from the engine's state: phase, progress, conditions. */
final class RunStatusBuilder {

    private RunStatusBuilder() {
    }

    static void fromState(RunStatus status, RunState state, FlowGraph graph, long generation, Instant now) {
        status.observedGeneration = generation;
        status.phase = state.phase().statusName();
        status.message = state.message();
        Map<String, StepProgress> steps = new LinkedHashMap<>();
        int done = 0;
        int total = 0;
        for (String name : graph.topologicalOrder()) {
            StepState step = state.steps().get(name);
            int stepDone = step == null ? 0 : step.succeededCount();
            int stepTotal = step == null || step.frames().isEmpty() ? (graph.step(name).foreachDepth() == 0 ? 1 : 0) : step.knownTotal();
            steps.put(name, new StepProgress(stepDone, state.runningCount(name), stepTotal));
            done += stepDone;
            total += stepTotal;
        }
        status.steps = steps;
        status.progress = done + "/" + total;
        status.engine = Json.METADATA.valueToTree(state);
        if (status.startedAt == null) {
            status.startedAt = now.toString();
        }
        boolean over = state.phase().isFinal();
        if (over && status.finishedAt == null) {
            status.finishedAt = now.toString();
        }
        Conditions.set(status.conditions, "Running", state.phase() == RunPhase.RUNNING, status.phase, null, generation, now);
        if (over) {
            Conditions.set(status.conditions, "Succeeded", state.phase() == RunPhase.SUCCEEDED, status.phase,
                    state.message() == null ? "every task succeeded" : state.message(), generation, now);
        }
    }

    static RunState stateOf(RunStatus status) {
        JsonNode engine = status.engine;
        if (engine == null || engine.isNull()) {
            return null;
        }
        try {
            return Json.METADATA.treeToValue(engine, RunState.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The Run's status.engine cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** Marks a Run that cannot start (missing or invalid Flow, refused resources) as failed. */
    static void refuse(RunStatus status, String reason, String message, long generation, Instant now) {
        status.observedGeneration = generation;
        status.phase = RunPhase.FAILED.statusName();
        status.message = message;
        if (status.finishedAt == null) {
            status.finishedAt = now.toString();
        }
        Conditions.set(status.conditions, "Running", false, reason, message, generation, now);
        Conditions.set(status.conditions, "Succeeded", false, reason, message, generation, now);
    }
}
