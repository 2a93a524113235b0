package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Condition;
import io.stratoflow.datastore.Json;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepState;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.ExternalTask;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.StepProgress;
import io.stratoflow.operator.status.Conditions;
import io.stratoflow.operator.status.ReconcileFailures;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one owner of a Run's status: its phase, progress and engine state, and every condition, each set here from what
 * a pass observed, decided and did; and the Events that mark a condition turning. Nothing else writes into a
 * {@link RunStatus} (the status writer only sends it).
 */
final class RunStatusAggregator {

    private RunStatusAggregator() {
    }

    /** A pass that did not throw: after one that did, condition Reconciled turns True again (as for every resource kind). */
    private static void reconciled(RunPass pass) {
        ReconcileFailures.markReconciled(pass.status().conditions, pass.generation(), pass.now());
    }

    /** The Run's Flow does not exist (yet): it waits, Pending. */
    static void waitingForFlow(RunPass pass, RunStarter.Start start) {
        reconciled(pass);
        RunStatus status = pass.status();
        status.observedGeneration = pass.generation();
        status.phase = RunPhase.PENDING.statusName();
        status.message = start.refusal();
        set(pass, RunConditionType.FLOW_FOUND, false, start.reason(), start.refusal());
    }

    /** A Run that cannot start (an invalid Flow, refused resources, a resume of nothing) fails, saying why. */
    static void refused(RunPass pass, RunConditionReason reason, String message) {
        reconciled(pass);
        pinIfStarting(pass);
        RunStatus status = pass.status();
        status.observedGeneration = pass.generation();
        status.phase = RunPhase.FAILED.statusName();
        status.message = message;
        if (status.finishedAt == null) {
            status.finishedAt = pass.now().toString();
        }
        set(pass, RunConditionType.RUNNING, false, reason, message);
        set(pass, RunConditionType.SUCCEEDED, false, reason, message);
        RunEvents.warning(pass.client(), pass.run(), reason.reason(), message);
    }

    /** A Run that starts in this pass keeps the Flow as it is now: later changes of the Flow do not reach it. */
    private static void pinIfStarting(RunPass pass) {
        if (!pass.startsNow()) {
            return;
        }
        pass.status().pinnedFlow = pass.flow();
        Conditions.remove(pass.status().conditions, RunConditionType.FLOW_FOUND.type());
        RunEvents.normal(pass.client(), pass.run(), RunConditionReason.STARTED.reason(),
                "Run of flow " + pass.run().getSpec().flowRef.name + " started");
    }

    /** Everything a pass that drove the Run knows, into its status. */
    static void driven(RunPass pass, TaskObserver.Observed observed, RunRecorder.Recording recording, TaskPodCreator.Created created,
                       List<ExternalTask> externalTasks) {
        reconciled(pass);
        pinIfStarting(pass);
        RunStatus status = pass.status();
        fromState(status, pass.state(), pass.graph(), pass.generation(), pass.now());
        status.externalTasks = externalTasks;
        recorded(pass, recording);
        describe(pass, observed.notPlaced(), NOT_PLACED);
        describe(pass, observed.waitingForNodes(), WAITING_FOR_NODES);
        describe(pass, observed.notStarting(), NOT_STARTING);
        podsCreated(pass, created);
        if (created.waitingForQuota() > 0 && !RunPhase.FAILED.statusName().equals(status.phase)) {
            status.message = created.waitingForQuota() + " task(s) wait for quota of ComputePool " + created.waitingPools();
        }
    }

    /** A pass over a Run that has ended: only its record in the datastore may still change. */
    static void ended(RunPass pass, RunRecorder.Recording recording) {
        reconciled(pass);
        recorded(pass, recording);
    }

    /** Phase, progress per step, the engine's state and conditions Running and Succeeded, from the engine's state. */
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
        RunConditionReason phase = RunConditionReason.of(state.phase());
        Conditions.set(status.conditions, RunConditionType.RUNNING.type(), state.phase() == RunPhase.RUNNING, phase.reason(), null, generation,
                now);
        if (over) {
            Conditions.set(status.conditions, RunConditionType.SUCCEEDED.type(), state.phase() == RunPhase.SUCCEEDED, phase.reason(),
                    state.message() == null ? "every task succeeded" : state.message(), generation, now);
        }
    }

    /** Which phase the datastore records; a failure to record it is announced once per message. */
    private static void recorded(RunPass pass, RunRecorder.Recording recording) {
        if (recording == null) {
            return;
        }
        if (!recording.recorded()) {
            boolean isNew = find(pass, RunConditionType.RUN_RECORDED)
                    .map(c -> "True".equals(c.getStatus()) || !recording.message().equals(c.getMessage())).orElse(true);
            if (isNew) {
                RunEvents.warning(pass.client(), pass.run(), recording.reason().reason(), recording.message());
            }
        }
        set(pass, RunConditionType.RUN_RECORDED, recording.recorded(), recording.reason(), recording.message());
    }

    /**
     * A condition about task Pods that wait on something that will not change by itself: what its message says of them,
     * its reason while some wait and once none does, and whether turning true is a warning.
     */
    private record Waiting(RunConditionType type, String what, RunConditionReason reason, RunConditionReason okReason, String okMessage,
                           boolean warning) {
    }

    private static final Waiting NOT_PLACED = new Waiting(RunConditionType.UNSCHEDULABLE, "cannot be scheduled",
            RunConditionReason.UNSCHEDULABLE, RunConditionReason.SCHEDULED, "every task Pod could be scheduled", true);
    private static final Waiting WAITING_FOR_NODES = new Waiting(RunConditionType.WAITING_FOR_NODES,
            "wait for the autoscaler to add nodes to their pool", RunConditionReason.WAITING_FOR_NODES, RunConditionReason.NODES_AVAILABLE,
            "no task Pod waits for a node", false);
    private static final Waiting NOT_STARTING = new Waiting(RunConditionType.CONTAINERS_NOT_STARTING, "cannot start their container",
            RunConditionReason.CONTAINERS_NOT_STARTING, RunConditionReason.CONTAINERS_STARTING, "every task Pod's container could start", true);

    /** The condition (and an Event when it turns true) for the Pods that wait so. */
    private static void describe(RunPass pass, List<TaskObserver.Unschedulable> pods, Waiting condition) {
        if (!pods.isEmpty()) {
            TaskObserver.Unschedulable first = pods.get(0);
            String message = pods.size() + " task(s) " + condition.what() + "; task " + first.task() + " (Pod " + first.pod() + "): "
                    + first.message();
            boolean isNew = find(pass, condition.type()).map(c -> !"True".equals(c.getStatus())).orElse(true);
            set(pass, condition.type(), true, condition.reason(), message);
            if (isNew && condition.warning()) {
                RunEvents.warning(pass.client(), pass.run(), condition.reason().reason(), message);
            } else if (isNew) {
                RunEvents.normal(pass.client(), pass.run(), condition.reason().reason(), message);
            }
        } else if (find(pass, condition.type()).isPresent()) {
            set(pass, condition.type(), false, condition.okReason(), condition.okMessage());
        }
    }

    private static void podsCreated(RunPass pass, TaskPodCreator.Created created) {
        if (created.creationError() != null) {
            boolean isNew = find(pass, RunConditionType.PODS_CREATED).map(c -> !c.getMessage().equals(created.creationError())).orElse(true);
            set(pass, RunConditionType.PODS_CREATED, false, RunConditionReason.POD_CREATION_FAILED, created.creationError());
            if (isNew) {
                RunEvents.warning(pass.client(), pass.run(), RunConditionReason.POD_CREATION_FAILED.reason(), created.creationError());
            }
        } else if (find(pass, RunConditionType.PODS_CREATED).isPresent()) {
            set(pass, RunConditionType.PODS_CREATED, true, RunConditionReason.PODS_CREATED, "task Pods are created");
        }
    }

    private static Optional<Condition> find(RunPass pass, RunConditionType type) {
        return Conditions.find(pass.status().conditions, type.type());
    }

    private static void set(RunPass pass, RunConditionType type, boolean value, RunConditionReason reason, String message) {
        Conditions.set(pass.status().conditions, type.type(), value, reason.reason(), message, pass.generation(), pass.now());
    }
}
