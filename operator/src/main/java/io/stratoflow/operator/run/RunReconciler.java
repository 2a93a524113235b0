package io.stratoflow.operator.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stratoflow.datastore.Json;
import io.stratoflow.engine.Decision;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunEngine;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepPolicy;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.metrics.RunGauges;
import io.stratoflow.operator.metrics.TaskMetrics;
import io.stratoflow.operator.pods.PrunedPodStore;
import io.stratoflow.operator.pods.TaskPodCache;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pools.PoolQueue;
import io.stratoflow.operator.status.Conditions;
import io.stratoflow.operator.status.ReconcileFailures;
import org.jboss.logging.Logger;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives a Run: observe its Pods, let the engine decide, act (create or delete Pods), and write
 * the engine's state back to the Run's status. Level-triggered: everything it needs is in the
 * Run, its Flow snapshot and its Pods, so an operator restart at any moment loses nothing.
 */
@ControllerConfiguration(name = "run")
public class RunReconciler implements Reconciler<Run> {

    private static final Logger LOG = Logger.getLogger(RunReconciler.class);

    /** How often a Run whose tasks wait for pool quota looks again. */
    static final Duration QUOTA_RECHECK = Duration.ofSeconds(2);
    static final Duration FLOW_RECHECK = Duration.ofSeconds(5);
    static final Duration CREATE_RETRY = Duration.ofSeconds(10);
    static final Duration EXTERNAL_RECHECK = Duration.ofSeconds(1);

    @Inject
    TaskPods taskPods;

    @Inject
    PoolQueue poolQueue;

    @Inject
    TaskPodCache taskPodCache;

    @Inject
    RunActions runActions;

    @Inject
    RunDatastores datastores;

    @Inject
    RunRecorder runRecorder;

    @Inject
    ExternalTasks externalTasks;

    @Inject
    RunCache runCache;

    @Inject
    TaskMetrics taskMetrics;

    @Inject
    RunGauges runGauges;

    private final ReconcilePacer pacer = new ReconcilePacer();
    private final ReconcileFailures failures = new ReconcileFailures();

    @Override
    public List<EventSource<?, Run>> prepareEventSources(EventSourceContext<Run> context) {
        InformerEventSource<Pod, Run> pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, Run.class).withLabelSelector(TaskPodNames.RUN_LABEL)
                        .withItemStore(new PrunedPodStore()).build(), context);
        taskPodCache.use(pods);
        runGauges.countFrom(context.getPrimaryCache());
        InformerEventSource<ComputePool, Run> pools = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ComputePool.class, Run.class)
                        .withSecondaryToPrimaryMapper(pool -> Set.of()).build(), context);
        runCache.use(context.getPrimaryCache(), pools);
        return List.of(pods, pools);
    }

    @Override
    public UpdateControl<Run> reconcile(Run run, Context<Run> context) {
        ResourceID id = ResourceID.fromResource(run);
        RunStatus original = run.getStatus() == null ? new RunStatus() : Json.METADATA.convertValue(run.getStatus(), RunStatus.class);
        try {
            UpdateControl<Run> control = reconcileRun(run, context);
            failures.succeeded(id);
            return control;
        } catch (RuntimeException e) {
            return failed(run, original, context, e);
        }
    }

    /**
     * A reconciliation that threw: condition {@code Reconciled} False says why, an Event too, and
     * the Run is looked at again after a growing pause. Only the conditions are written (a merge
     * patch): what the failed pass did to the rest of the status in memory is not the Run's state,
     * and a fix someone makes to the status meanwhile must not be overwritten. Losing nothing does
     * not depend on this write: the next pass decides everything again from the Pods and the status.
     */
    private UpdateControl<Run> failed(Run run, RunStatus original, Context<Run> context, RuntimeException e) {
        ResourceID id = ResourceID.fromResource(run);
        ReconcileFailures.Failure failure = failures.failed(id, "Run", e);
        LOG.warnf(e, "Run %s/%s: %s", id.getNamespace().orElse(""), id.getName(), failure.message());
        if (!failure.reason().equals("Conflict")) {
            try {
                long generation = run.getMetadata().getGeneration() == null ? 0 : run.getMetadata().getGeneration();
                String before = Json.METADATA.valueToTree(original.conditions).toString();
                Conditions.set(original.conditions, ReconcileFailures.CONDITION, false, failure.reason(), failure.message(), generation,
                        Instant.now());
                if (!Json.METADATA.valueToTree(original.conditions).toString().equals(before)) {
                    ObjectNode patch = Json.METADATA.createObjectNode();
                    patch.putObject("status").set("conditions", Json.METADATA.valueToTree(original.conditions));
                    context.getClient().resources(Run.class).inNamespace(run.getMetadata().getNamespace()).withName(run.getMetadata().getName())
                            .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
                }
                RunEvents.warning(context.getClient(), run, failure.reason(), failure.message());
            } catch (RuntimeException alsoFailed) {
                LOG.warnf("Run %s/%s: could not record the failure on the Run either: %s", id.getNamespace().orElse(""), id.getName(),
                        alsoFailed);
            }
        }
        return UpdateControl.<Run>noUpdate().rescheduleAfter(failure.retryAfter());
    }

    private UpdateControl<Run> reconcileRun(Run run, Context<Run> context) {
        Instant now = Instant.now();
        KubernetesClient client = context.getClient();
        RunStatus status = run.getStatus() == null ? new RunStatus() : run.getStatus();
        run.setStatus(status);
        String before = Json.METADATA.valueToTree(status).toString();
        long generation = run.getMetadata().getGeneration() == null ? 0 : run.getMetadata().getGeneration();
        ResourceID id = ResourceID.fromResource(run);
        ReconcileFailures.markReconciled(status.conditions, generation, now);
        if (RunPhase.isFinalStatus(status.phase)) {
            poolQueue.forget(TaskPods.runKey(run));
            RunState finalState = RunStatusBuilder.stateOf(status);
            if (finalState != null) {
                taskPods.deleteRecorded(client, run, finalState, taskPods(run, context));
            }
            pacer.forget(id);
            failures.forget(id);
            Duration retry = runRecorder.recordEnded(client, run, context, generation, now);
            writeStatus(run, before, context);
            return retry == null ? UpdateControl.noUpdate() : UpdateControl.<Run>noUpdate().rescheduleAfter(retry);
        }
        Duration pause = pacer.pauseBefore(id, now);
        boolean specChanged = status.observedGeneration == null || status.observedGeneration != generation;
        if (!pause.isZero() && !run.getSpec().stop && !specChanged) {
            return UpdateControl.<Run>noUpdate().rescheduleAfter(pause);
        }
        // The pool cache is read once per reconcile: every step below sees the same pools.
        List<ComputePool> pools = pools(context);
        if (status.pinnedFlow == null) {
            RunStarter.Start start = RunStarter.check(client, run, pools, datastores);
            if (start.flow() == null) {
                return refuse(run, status, start, generation, now, client, before, context);
            }
            status.pinnedFlow = start.flow();
            Conditions.remove(status.conditions, "FlowFound");
            RunEvents.normal(client, run, "Started", "Run of flow " + run.getSpec().flowRef.name + " started");
        }
        FlowGraph graph = FlowGraphs.graph(run.getSpec().flowRef.name, status.pinnedFlow);
        RunState state = RunStatusBuilder.stateOf(status);
        if (state == null) {
            state = new RunState(run.getSpec().maxWorkers, run.getSpec().maxNumSplits);
        }
        RunEngine engine;
        try {
            engine = new RunEngine(graph, clusterPolicies(status), resumePlan(client, run, graph));
        } catch (IllegalArgumentException e) {
            return refuse(run, status, RunStarter.Start.refused("ResumeOriginInvalid", e.getMessage()), generation, now, client, before,
                    context);
        }

        Map<String, Pod> pods = taskPods(run, context);
        TaskObserver.Observed observed = TaskObserver.observe(state, run.getMetadata().getName(), pods, now);
        List<Observation> observations = new ArrayList<>(observed.observations());
        List<TaskObserver.Unschedulable> waitingForNodes = taskPods.waitingForNodes(run, status.pinnedFlow, observed.unschedulable(), pools);
        observations.addAll(taskPods.giveUpOnUnschedulable(client, run, status.pinnedFlow, observed.unschedulable(), waitingForNodes));
        observations.addAll(externalTasks.observe(state, status.pinnedFlow, run.getMetadata().getName()));
        if (run.getSpec().stop) {
            observations.add(new Observation.StopRequested("Stopped: spec.stop is true"));
        }
        Decision decision = engine.decide(state, observations, now.toEpochMilli());
        runActions.carryOut(client, run, status.pinnedFlow, decision.actions());
        for (Observation observation : observed.observations()) {
            if (observation instanceof Observation.TaskFailed failed) {
                RunEvents.warning(client, run, "TaskFailed", "Task " + failed.task() + " attempt " + failed.attempt() + ": " + failed.reason());
            }
        }
        poolQueue.retainExisting(key -> context.getPrimaryCache().get(new ResourceID(key.name(), key.namespace())).isPresent());
        // Before the first Pod, so that its task finds the run recorded; and once more when the engine ends the run.
        Duration recordRetry = runRecorder.record(client, run, context, state, generation, now);
        TaskPods.Created created = state.phase().isFinal() ? TaskPods.Created.NONE
                : taskPods.ensurePods(client, run, status.pinnedFlow, graph, state, pods, pools, context);
        RunStatusBuilder.fromState(status, state, graph, generation, now);
        // the parameters are resolved only for a mixed run: for a resumed Run that reads its origin
        status.externalTasks = state.phase().isFinal() || !ExternalTasks.hasAny(status.pinnedFlow) ? new ArrayList<>()
                : externalTasks.pending(state, status.pinnedFlow, graph, run.getMetadata().getName(), RunParameters.of(run, context));
        describeWaiting(status, observed.unschedulable(), waitingForNodes, created, generation, now, client, run);

        writeStatus(run, before, context);
        taskPods.deleteRecorded(client, run, state, pods);
        taskMetrics.counted(run, observations, decision.actions());
        pacer.looked(id, now, pods.size(), created.moreToCreate());
        Duration next = nextLook(decision, created, taskPods.untilGiveUp(observed.unschedulable()), now);
        if (recordRetry != null) {
            next = next == null || next.compareTo(recordRetry) > 0 ? recordRetry : next;
        }
        // external tasks end with a record in the datastore, which sends no event: look for it
        if (!status.externalTasks.isEmpty() && (next == null || next.compareTo(EXTERNAL_RECHECK) > 0)) {
            next = EXTERNAL_RECHECK;
        }
        // A task started in this pass may already have a finished Pod (the status was older than the Pods, as after a
        // restart): no Pod event will come for it, so look again at once.
        if (!TaskObserver.observe(state, run.getMetadata().getName(), pods, now).observations().isEmpty()) {
            next = Duration.ZERO;
        }
        UpdateControl<Run> control = UpdateControl.noUpdate();
        return next == null ? control : control.rescheduleAfter(next);
    }

    /**
     * Writes the Run's status, if it changed, and caches the written Run so that the next reconciliation reads it
     * even before the informer has: the status is the Run's state, and a reconciliation that started from an older
     * one would redo (and, with a JSON patch computed against the older one, corrupt) what this one did. With
     * optimistic locking, so that a concurrent change is read and the status written onto it.
     */
    private static void writeStatus(Run run, String before, Context<Run> context) {
        RunStatus status = run.getStatus();
        if (Json.METADATA.valueToTree(status).toString().equals(before)) {
            return;
        }
        if (context.getControllerConfiguration().getConfigurationService().useSSAToPatchPrimaryResource()) {
            Run fresh = new Run();
            fresh.setMetadata(new ObjectMetaBuilder().withName(run.getMetadata().getName())
                    .withNamespace(run.getMetadata().getNamespace()).build());
            fresh.setStatus(status);
            PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(run, fresh, context);
        } else {
            PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(run, context, latest -> {
                latest.setStatus(status);
                return latest;
            });
        }
    }

    private UpdateControl<Run> refuse(Run run, RunStatus status, RunStarter.Start start, long generation, Instant now,
                                      KubernetesClient client, String before, Context<Run> context) {
        if (start.waitForFlow()) {
            status.observedGeneration = generation;
            status.phase = RunPhase.PENDING.statusName();
            status.message = start.refusal();
            Conditions.set(status.conditions, "FlowFound", false, start.reason(), start.refusal(), generation, now);
            writeStatus(run, before, context);
            return UpdateControl.<Run>noUpdate().rescheduleAfter(FLOW_RECHECK);
        }
        RunStatusBuilder.refuse(status, start.reason(), start.refusal(), generation, now);
        RunEvents.warning(client, run, start.reason(), start.refusal());
        writeStatus(run, before, context);
        return UpdateControl.noUpdate();
    }

    /** On the cluster a timeout is the Pod's activeDeadlineSeconds, so the engine does not time tasks out itself. */
    private static Map<String, StepPolicy> clusterPolicies(RunStatus status) {
        Map<String, StepPolicy> policies = new LinkedHashMap<>();
        FlowGraphs.policies(status.pinnedFlow).forEach((step, p) -> policies.put(step, p.withoutTimeout()));
        return policies;
    }

    private static RunEngine.ResumePlan resumePlan(KubernetesClient client, Run run, FlowGraph graph) {
        if (run.getSpec().resume == null) {
            return null;
        }
        String originName = run.getSpec().resume.originRun;
        Run origin = client.resources(Run.class).inNamespace(run.getMetadata().getNamespace()).withName(originName).get();
        if (origin == null || origin.getStatus() == null || RunStatusBuilder.stateOf(origin.getStatus()) == null) {
            throw new IllegalArgumentException("Run " + run.getMetadata().getName() + " resumes Run " + originName
                    + ", which does not exist in namespace " + run.getMetadata().getNamespace() + " or never started.");
        }
        String step = run.getSpec().resume.step;
        if (step != null && !graph.hasStep(step)) {
            throw new IllegalArgumentException("Run " + run.getMetadata().getName() + " resumes from step '" + step
                    + "', which the flow does not have; its steps are " + graph.topologicalOrder());
        }
        Set<String> rerun = step == null ? Set.of() : Set.copyOf(graph.reachableFrom(step));
        return new RunEngine.ResumePlan(RunStatusBuilder.stateOf(origin.getStatus()), rerun);
    }

    /**
     * The Run's task Pods by name, from the informer's cache. Not through
     * {@code context.getSecondaryResources}: that collects them into a hash set, which hashes
     * every Pod deeply, thousands of times a second in a wide fan-out.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Pod> taskPods(Run run, Context<Run> context) {
        var source = (InformerEventSource<Pod, Run>) context.eventSourceRetriever().getEventSourceFor(Pod.class);
        String name = run.getMetadata().getName();
        Map<String, Pod> pods = new HashMap<>();
        source.list(run.getMetadata().getNamespace(), pod -> name.equals(pod.getMetadata().getLabels().get(TaskPodNames.RUN_LABEL)))
                .forEach(pod -> pods.putIfAbsent(pod.getMetadata().getName(), pod));
        return pods;
    }

    /** ComputePools are read from the informer's cache; pool changes do not trigger Runs by themselves. */
    @SuppressWarnings("unchecked")
    private static List<ComputePool> pools(Context<Run> context) {
        var source = (InformerEventSource<ComputePool, Run>) context.eventSourceRetriever().getEventSourceFor(ComputePool.class);
        return source.list().toList();
    }

    /** A condition (and an Event when it turns true) for task Pods that wait on something that will not change by itself. */
    private static void describe(RunStatus status, List<TaskObserver.Unschedulable> waiting, String type, String what, String okReason,
                                 String okMessage, boolean warning, long generation, Instant now, KubernetesClient client, Run run) {
        if (!waiting.isEmpty()) {
            TaskObserver.Unschedulable first = waiting.get(0);
            String message = waiting.size() + " task(s) " + what + "; task " + first.task() + " (Pod " + first.pod() + "): " + first.message();
            boolean isNew = Conditions.find(status.conditions, type).map(c -> !"True".equals(c.getStatus())).orElse(true);
            Conditions.set(status.conditions, type, true, type, message, generation, now);
            if (isNew && warning) {
                RunEvents.warning(client, run, type, message);
            } else if (isNew) {
                RunEvents.normal(client, run, type, message);
            }
        } else if (Conditions.find(status.conditions, type).isPresent()) {
            Conditions.set(status.conditions, type, false, okReason, okMessage, generation, now);
        }
    }

    private void describeWaiting(RunStatus status, List<TaskObserver.Unschedulable> unschedulable,
                                 List<TaskObserver.Unschedulable> waitingForNodes, TaskPods.Created created,
                                 long generation, Instant now, KubernetesClient client, Run run) {
        List<TaskObserver.Unschedulable> notPlaced = unschedulable.stream().filter(u -> !u.cannotStart() && !waitingForNodes.contains(u)).toList();
        List<TaskObserver.Unschedulable> notStarted = unschedulable.stream().filter(TaskObserver.Unschedulable::cannotStart).toList();
        describe(status, notPlaced, "Unschedulable", "cannot be scheduled", "Scheduled", "every task Pod could be scheduled", true,
                generation, now, client, run);
        describe(status, waitingForNodes, "WaitingForNodes", "wait for the autoscaler to add nodes to their pool", "NodesAvailable",
                "no task Pod waits for a node", false, generation, now, client, run);
        describe(status, notStarted, "ContainersNotStarting", "cannot start their container", "ContainersStarting",
                "every task Pod's container could start", true, generation, now, client, run);
        if (created.creationError() != null) {
            boolean isNew = Conditions.find(status.conditions, "PodsCreated").map(c -> !c.getMessage().equals(created.creationError())).orElse(true);
            Conditions.set(status.conditions, "PodsCreated", false, "PodCreationFailed", created.creationError(), generation, now);
            if (isNew) {
                RunEvents.warning(client, run, "PodCreationFailed", created.creationError());
            }
        } else if (Conditions.find(status.conditions, "PodsCreated").isPresent()) {
            Conditions.set(status.conditions, "PodsCreated", true, "PodsCreated", "task Pods are created", generation, now);
        }
        if (created.waitingForQuota() > 0 && !RunPhase.FAILED.statusName().equals(status.phase)) {
            status.message = created.waitingForQuota() + " task(s) wait for quota of ComputePool " + created.waitingPools();
        }
    }

    private Duration nextLook(Decision decision, TaskPods.Created created, Duration untilGiveUp, Instant now) {
        Duration next = untilGiveUp;
        if (decision.wakeUpAtMillis() != Long.MAX_VALUE) {
            Duration wake = Duration.ofMillis(Math.max(100, decision.wakeUpAtMillis() - now.toEpochMilli()));
            next = next == null || wake.compareTo(next) < 0 ? wake : next;
        }
        if (created.creationError() != null) {
            next = next == null || next.compareTo(CREATE_RETRY) > 0 ? CREATE_RETRY : next;
        }
        if (created.moreToCreate()) {
            next = Duration.ofMillis(50);
        }
        if (created.waitingForQuota() > 0) {
            next = next == null || next.compareTo(QUOTA_RECHECK) > 0 ? QUOTA_RECHECK : next;
        }
        return next;
    }
}
