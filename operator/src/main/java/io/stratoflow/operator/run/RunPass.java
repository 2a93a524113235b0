package io.stratoflow.operator.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.Json;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.RunEngine;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepPolicy;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;
import io.stratoflow.operator.pools.PoolDirectory;
import io.stratoflow.operator.pools.PoolQueue;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconciliation of a Run knows, read once and handed from step to step: the Run and its
 * status being written, and once the Run has its Flow pinned, the graph, the engine and its
 * state, the pools, and the Run's task Pods as the informer shows them.
 */
final class RunPass {

    private final Run run;
    private final Context<Run> context;
    private final Instant now;
    private final RunStatus status;
    private final String statusAsRead;
    private FlowResourceSpec startingOn;
    private Map<String, Pod> pods;
    private List<ComputePool> pools;
    private PoolDirectory directory;
    private FlowGraph graph;
    private RunState state;
    private RunEngine engine;
    private Map<String, String> parameters;
    private Optional<DatastoreLocation> datastore;
    private Map<TaskKey, Action.StartTask> startedNow = Map.of();

    private RunPass(Run run, Context<Run> context, Instant now) {
        this.run = run;
        this.context = context;
        this.now = now;
        if (run.getStatus() == null) {
            run.setStatus(new RunStatus());
        }
        this.status = run.getStatus();
        this.statusAsRead = Json.METADATA.valueToTree(status).toString();
    }

    static RunPass open(Run run, Context<Run> context, Instant now) {
        return new RunPass(run, context, now);
    }

    Run run() {
        return run;
    }

    Context<Run> context() {
        return context;
    }

    KubernetesClient client() {
        return context.getClient();
    }

    Instant now() {
        return now;
    }

    String name() {
        return run.getMetadata().getName();
    }

    String namespace() {
        return run.getMetadata().getNamespace();
    }

    ResourceID id() {
        return ResourceID.fromResource(run);
    }

    long generation() {
        return run.getMetadata().getGeneration() == null ? 0 : run.getMetadata().getGeneration();
    }

    /** The status this pass writes (the Run's own, changed in place). */
    RunStatus status() {
        return status;
    }

    boolean statusChanged() {
        return !Json.METADATA.valueToTree(status).toString().equals(statusAsRead);
    }

    /** Whether the spec changed since the status last said what it drove. */
    boolean specChanged() {
        return status.observedGeneration == null || status.observedGeneration != generation();
    }

    /** The Run's place in the pools' queues: older Runs first. */
    PoolQueue.RunKey queueKey() {
        return new PoolQueue.RunKey(String.valueOf(run.getMetadata().getCreationTimestamp()), namespace(), name());
    }

    /** The Flow the Run pinned when it started (or starts on in this pass); null before. */
    FlowResourceSpec flow() {
        return status.pinnedFlow != null ? status.pinnedFlow : startingOn;
    }

    /** The Run starts in this pass, on the Flow as it is now; the status pins it when this pass is aggregated. */
    void startOn(FlowResourceSpec flow) {
        startingOn = flow;
    }

    /** Whether the Run starts in this pass: its status does not pin its Flow yet. */
    boolean startsNow() {
        return status.pinnedFlow == null && startingOn != null;
    }

    StepSpec step(String name) {
        return FlowGraphs.step(flow(), name);
    }

    FlowGraph graph() {
        if (graph == null) {
            graph = FlowGraphs.graph(run.getSpec().flowRef.name, flow());
        }
        return graph;
    }

    /** The engine's state as the status holds it, or a new one for a Run that has not started a task. */
    RunState state() {
        if (state == null) {
            state = stateOf(status);
            if (state == null) {
                state = new RunState(run.getSpec().maxWorkers, run.getSpec().maxNumSplits);
            }
        }
        return state;
    }

    /** The engine state read back from the status, or null when the status holds none. */
    RunState recordedState() {
        return state != null ? state : stateOf(status);
    }

    /**
     * The engine for this Run, with its resume plan: the origin's state comes from the Run cache. On the cluster a
     * timeout is the Pod's activeDeadlineSeconds, so the engine does not time tasks out itself.
     *
     * @throws IllegalArgumentException a resume whose origin or step does not exist
     */
    RunEngine engine() {
        if (engine == null) {
            Map<String, StepPolicy> policies = new LinkedHashMap<>();
            FlowGraphs.policies(flow()).forEach((step, policy) -> policies.put(step, policy.withoutTimeout()));
            engine = new RunEngine(graph(), policies, resumePlan());
        }
        return engine;
    }

    private RunEngine.ResumePlan resumePlan() {
        if (run.getSpec().resume == null) {
            return null;
        }
        String originName = run.getSpec().resume.originRun;
        RunState origin = context.getPrimaryCache().get(new ResourceID(originName, namespace()))
                .map(Run::getStatus).map(RunPass::stateOf).orElse(null);
        if (origin == null) {
            throw new IllegalArgumentException("Run " + name() + " resumes Run " + originName + ", which does not exist in namespace "
                    + namespace() + " or never started.");
        }
        String step = run.getSpec().resume.step;
        if (step != null && !graph().hasStep(step)) {
            throw new IllegalArgumentException("Run " + name() + " resumes from step '" + step + "', which the flow does not have; its steps are "
                    + graph().topologicalOrder());
        }
        return new RunEngine.ResumePlan(origin, step == null ? Set.of() : Set.copyOf(graph().reachableFrom(step)));
    }

    /**
     * The Run's task Pods by name, from the informer's cache. Not through {@code context.getSecondaryResources}:
     * that collects them into a hash set, which hashes every Pod deeply, thousands of times a second in a wide fan-out.
     */
    @SuppressWarnings("unchecked")
    Map<String, Pod> pods() {
        if (pods == null) {
            var source = (InformerEventSource<Pod, Run>) context.eventSourceRetriever().getEventSourceFor(Pod.class);
            String name = name();
            pods = new HashMap<>();
            source.list(namespace(), pod -> name.equals(pod.getMetadata().getLabels().get(TaskPodNames.RUN_LABEL)))
                    .forEach(pod -> pods.putIfAbsent(pod.getMetadata().getName(), pod));
        }
        return pods;
    }

    /** Every task Pod the informer holds, of all Runs: what the pools' quotas count. */
    @SuppressWarnings("unchecked")
    List<Pod> allTaskPods() {
        var source = (InformerEventSource<Pod, Run>) context.eventSourceRetriever().getEventSourceFor(Pod.class);
        return source.list().toList();
    }

    /** The ComputePools from the informer's cache, read once per pass: every step of it sees the same pools. */
    @SuppressWarnings("unchecked")
    List<ComputePool> pools() {
        if (pools == null) {
            var source = (InformerEventSource<ComputePool, Run>) context.eventSourceRetriever().getEventSourceFor(ComputePool.class);
            pools = source.list().toList();
        }
        return pools;
    }

    /** The pool a step's tasks go to, with the Run's resource overrides. */
    PoolDirectory.Resolution poolOf(StepSpec step) {
        if (directory == null) {
            directory = new PoolDirectory(pools());
        }
        return directory.resolve(step, TaskResources.of(step, run.getSpec().overrides), namespace());
    }

    /** The attempts the engine started in this pass, with the inputs it decided for them. */
    void startedNow(List<Action> actions) {
        startedNow = new HashMap<>();
        for (Action action : actions) {
            if (action instanceof Action.StartTask start) {
                startedNow.put(start.task(), start);
            }
        }
    }

    /**
     * The start of a running attempt: as the engine decided it in this pass, or, for one it started in an earlier pass
     * (whose Pod waited for quota or for the next pass), with the inputs the same engine gives it from the state.
     */
    Action.StartTask started(ActiveTask active) {
        if (startedNow(active)) {
            return startedNow.get(active.task());
        }
        return new Action.StartTask(active.task(), active.attempt(), engine().inputsOf(state(), active.task()));
    }

    /** Whether the engine started this attempt in this pass. */
    boolean startedNow(ActiveTask active) {
        Action.StartTask now = startedNow.get(active.task());
        return now != null && now.attempt() == active.attempt();
    }

    /** The Run's parameter values, as JSON text; a resumed Run that sets none runs with its origin's, as a local resume does. */
    Map<String, String> parameters() {
        if (parameters == null) {
            parameters = run.getSpec().parameters;
            if (parameters.isEmpty() && run.getSpec().resume != null) {
                parameters = context.getPrimaryCache().get(new ResourceID(run.getSpec().resume.originRun, namespace()))
                        .map(origin -> origin.getSpec().parameters).orElse(parameters);
            }
        }
        return parameters;
    }

    /** Where the Flow's tasks keep artifacts; empty for a Flow of plain containers on an operator without a datastore. */
    Optional<DatastoreLocation> datastore(RunDatastores datastores) {
        if (datastore == null) {
            datastore = datastores.locationOf(flow());
        }
        return datastore;
    }

    /** The engine's state the status holds; null when none. */
    private static RunState stateOf(RunStatus status) {
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
}
