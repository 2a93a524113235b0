package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunEngine;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.config.OperatorSettings;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.metrics.PodCreationMetrics;
import io.stratoflow.operator.pods.PodCreationLimiter;
import io.stratoflow.operator.pods.TaskPodBuilder;
import io.stratoflow.operator.pods.TaskPodDefaults;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;
import io.stratoflow.operator.pools.PoolDirectory;
import io.stratoflow.operator.pools.PoolQueue;
import io.stratoflow.operator.pools.PoolLedger;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates and deletes the Pods of a Run's tasks: a running attempt without its Pod gets one,
 * admitted to its pool within the pool's quota and in order across Runs, at the configured
 * creation rate. Pod names are deterministic, so a create repeated after a restart is a no-op.
 */
@ApplicationScoped
public class TaskPods {

    private static final Logger LOG = Logger.getLogger(TaskPods.class);

    /** What one pass created, and what still waits. */
    record Created(int created, int waitingForQuota, String waitingPools, String creationError, boolean moreToCreate) {
        static final Created NONE = new Created(0, 0, "", null, false);
    }

    /** A task without its Pod: where it goes and what it asks. */
    private record Pending(String podName, ActiveTask active, StepSpec step, TaskResources resources, ComputePool pool) {
    }

    /**
     * Pods created in one pass at most: a wide fan-out is created over several passes, so that the
     * Run's status and the results of finished tasks are written in between.
     */
    static final int MAX_CREATES_PER_PASS = 2000;

    @Inject
    OperatorSettings settings;

    @Inject
    PoolQueue poolQueue;

    @Inject
    PoolLedger ledger;

    @Inject
    RunDatastores datastores;

    @Inject
    PodCreationMetrics podCreations;

    private PodCreationLimiter limiter;
    private TaskPodBuilder builder;
    private ExecutorService creators;
    private ExecutorService deleters;
    /** Per Run, the Pods whose deletion was sent and that the cache still shows: each is deleted once. */
    private final Map<String, Set<String>> deleting = new ConcurrentHashMap<>();

    static PoolQueue.RunKey runKey(Run run) {
        return new PoolQueue.RunKey(String.valueOf(run.getMetadata().getCreationTimestamp()), run.getMetadata().getNamespace(),
                run.getMetadata().getName());
    }

    Created ensurePods(KubernetesClient client, Run run, FlowResourceSpec flow, FlowGraph graph, RunState state, Map<String, Pod> pods,
                       List<ComputePool> pools, Context<Run> context) {
        DatastoreLocation datastore = datastores.locationOf(flow).orElse(null);
        Map<String, String> parameters = RunParameters.of(run, context);
        PoolDirectory directory = new PoolDirectory(pools);
        Map<String, Integer> waiting = new LinkedHashMap<>();
        int created = 0;
        String creationError = null;
        List<Pending> toCreate = new ArrayList<>();
        Map<String, List<Pending>> toAdmit = new LinkedHashMap<>();
        PoolQueue.RunKey key = runKey(run);
        boolean capped = false;
        int considered = 0;
        for (ActiveTask active : state.running()) {
            String name = TaskPodNames.podName(run.getMetadata().getName(), active.task(), active.attempt());
            if (pods.containsKey(name)) {
                continue;
            }
            if (considered >= MAX_CREATES_PER_PASS) {
                capped = true;
                break;
            }
            StepSpec step = FlowGraphs.step(flow, active.task().step());
            if (ExternalTasks.isExternal(step)) {
                continue;
            }
            considered++;
            TaskResources resources = TaskResources.of(step, run.getSpec().overrides);
            ComputePool pool = directory.resolve(step, resources, run.getMetadata().getNamespace()).pool();
            Pending pending = new Pending(name, active, step, resources, pool);
            if (pool != null && pool.getSpec().quota != null) {
                toAdmit.computeIfAbsent(pool.getMetadata().getName(), p -> new ArrayList<>()).add(pending);
            } else {
                toCreate.add(pending);
            }
        }
        if (!toAdmit.isEmpty()) {
            toAdmit.forEach((poolName, candidates) -> {
                int admitted = 0;
                if (poolQueue.firstInLine(poolName, key)) {
                    admitted = ledger.admit(poolName, candidates.get(0).pool().getSpec().quota,
                            candidates.stream().map(c -> new PoolLedger.Candidate(c.podName(), c.resources())).toList(), () -> allTaskPods(context)).size();
                    toCreate.addAll(candidates.subList(0, admitted));
                }
                if (admitted < candidates.size()) {
                    waiting.put(poolName, candidates.size() - admitted);
                }
            });
        }
        RunEngine inputs = new RunEngine(graph, Map.of());
        List<Pod> built = new ArrayList<>(toCreate.size());
        for (Pending pending : toCreate) {
            built.add(builder.build(run, flow, pending.step(), pending.active().task(), pending.active().attempt(),
                    inputs.inputsOf(state, pending.active().task()), pending.resources(), pending.pool(), datastore, parameters));
        }
        List<Future<Boolean>> creations = new ArrayList<>();
        for (Pod pod : built) {
            creations.add(creators.submit(() -> create(client, pod)));
        }
        for (int i = 0; i < creations.size(); i++) {
            try {
                if (creations.get(i).get()) {
                    created++;
                }
            } catch (ExecutionException e) {
                // Typically configuration (a missing service account, an admission policy): report it and try again later.
                Pending failed = toCreate.get(i);
                if (failed.pool() != null) {
                    ledger.release(failed.pool().getMetadata().getName(), failed.podName());
                }
                if (creationError == null) {
                    String why = e.getCause() instanceof KubernetesClientException k && k.getStatus() != null ? k.getStatus().getMessage()
                            : String.valueOf(e.getCause());
                    creationError = "Pod " + failed.podName() + " cannot be created: " + why;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ComputePool pool : pools) {
            poolQueue.waiting(pool.getMetadata().getName(), key, waiting.getOrDefault(pool.getMetadata().getName(), 0));
        }
        int waitingTotal = waiting.values().stream().mapToInt(Integer::intValue).sum();
        // a pass cut short goes on at once, unless quota holds tasks back (those look again when it frees)
        boolean moreToCreate = capped && waitingTotal == 0;
        return new Created(created, waitingTotal, String.join(", ", new TreeSet<>(waiting.keySet())), creationError, moreToCreate);
    }

    /**
     * Pods the scheduler has not placed for longer than the grace period fail their task, unless
     * their pool says nodes can still be added.
     */
    List<Observation> giveUpOnUnschedulable(KubernetesClient client, Run run, FlowResourceSpec flow,
                                            List<TaskObserver.Unschedulable> unschedulable,
                                            List<TaskObserver.Unschedulable> waitingForNodes) {
        List<Observation> failures = new ArrayList<>();
        for (TaskObserver.Unschedulable pending : unschedulable) {
            if (pending.since().compareTo(settings.unschedulableGracePeriod()) < 0 || waitingForNodes.contains(pending)) {
                continue;
            }
            delete(client, run, pending.task(), pending.attempt());
            failures.add(new Observation.TaskFailed(pending.task(), pending.attempt(), "Pod " + pending.pod()
                    + (pending.cannotStart() ? " did not start for " : " could not be scheduled for ") + pending.since().toSeconds()
                    + " s: " + pending.message()));
        }
        return failures;
    }

    /**
     * The Pods the scheduler cannot place yet whose pool can still get nodes (an autoscaler adds them for pending
     * Pods): they wait for it instead of being reported unschedulable.
     */
    List<TaskObserver.Unschedulable> waitingForNodes(Run run, FlowResourceSpec flow, List<TaskObserver.Unschedulable> unschedulable,
                                                     List<ComputePool> pools) {
        if (unschedulable.isEmpty()) {
            return List.of();
        }
        PoolDirectory directory = new PoolDirectory(pools);
        List<TaskObserver.Unschedulable> waiting = new ArrayList<>();
        for (TaskObserver.Unschedulable pending : unschedulable) {
            StepSpec step = FlowGraphs.step(flow, pending.task().step());
            ComputePool pool = directory.resolve(step, TaskResources.of(step, run.getSpec().overrides), run.getMetadata().getNamespace()).pool();
            if (pool != null && PoolDirectory.canAddNodes(pool) && !pending.cannotStart()) {
                waiting.add(pending);
            }
        }
        return waiting;
    }

    /** When the first of these Pods reaches the end of its grace period, or null when none waits to be scheduled. */
    java.time.Duration untilGiveUp(List<TaskObserver.Unschedulable> unschedulable) {
        return unschedulable.stream().map(u -> settings.unschedulableGracePeriod().minus(u.since()))
                .min(java.time.Duration::compareTo).map(d -> d.isNegative() ? java.time.Duration.ofSeconds(1) : d.plusMillis(500))
                .orElse(null);
    }

    /**
     * Deletes, in the background, the Run's Succeeded Pods whose result its status records (the status is written
     * before this is called), so that a wide foreach leaves only its running window on the API server.
     */
    void deleteRecorded(KubernetesClient client, Run run, RunState state, Map<String, Pod> pods) {
        if (!settings.deleteSucceededPods()) {
            return;
        }
        String runKey = run.getMetadata().getNamespace() + "/" + run.getMetadata().getName();
        Set<String> sent = deleting.computeIfAbsent(runKey, k -> ConcurrentHashMap.newKeySet());
        sent.retainAll(pods.keySet());
        int before = sent.size();
        for (Pod pod : pods.values()) {
            String name = pod.getMetadata().getName();
            boolean succeeded = pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
            if (!succeeded || pod.getMetadata().getDeletionTimestamp() != null || sent.contains(name) || !recorded(state, pod)) {
                continue;
            }
            sent.add(name);
            String namespace = pod.getMetadata().getNamespace();
            deleters.submit(() -> {
                try {
                    client.pods().inNamespace(namespace).withName(name).delete();
                } catch (KubernetesClientException e) {
                    // the next pass sends it again if the Pod is still there
                    sent.remove(name);
                    LOG.debugf("Pod %s/%s not deleted: %s", namespace, name, e.getMessage());
                }
            });
        }
        // nothing in flight and nothing sent: a finished Run leaves no entry behind
        if (before == 0 && sent.isEmpty()) {
            deleting.remove(runKey, sent);
        }
    }

    /** Whether the Run's state counts the Pod's task as succeeded; its id reads alike for a step outside a foreach and split 0. */
    private static boolean recorded(RunState state, Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String step = annotations == null ? null : annotations.get(TaskPodNames.STEP_ANNOTATION);
        String taskId = annotations == null ? null : annotations.get(TaskPodNames.TASK_ANNOTATION);
        if (step == null || taskId == null) {
            return false;
        }
        if (taskId.equals("0") && state.succeeded(TaskKey.root(step))) {
            return true;
        }
        try {
            return state.succeeded(new TaskKey(step, IndexPath.parse(taskId)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    void delete(KubernetesClient client, Run run, TaskKey task, int attempt) {
        try {
            client.pods().inNamespace(run.getMetadata().getNamespace())
                    .withName(TaskPodNames.podName(run.getMetadata().getName(), task, attempt)).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private boolean create(KubernetesClient client, Pod pod) throws InterruptedException {
        limiter.acquire();
        try {
            String namespace = pod.getMetadata().getNamespace();
            podCreations.timed(namespace, () -> client.pods().inNamespace(namespace).resource(pod).create());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                LOG.debugf("Pod %s exists already", pod.getMetadata().getName());
                return false;
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Collection<Pod> allTaskPods(Context<Run> context) {
        var source = (InformerEventSource<Pod, Run>) context.eventSourceRetriever().getEventSourceFor(Pod.class);
        return source.list().toList();
    }

    @PreDestroy
    void close() {
        creators.shutdownNow();
        deleters.shutdownNow();
    }

    @PostConstruct
    void init() {
        creators = Executors.newFixedThreadPool(Math.max(1, settings.podCreationThreads()), r -> {
            Thread thread = new Thread(r, "stratoflow-pod-creator");
            thread.setDaemon(true);
            return thread;
        });
        deleters = Executors.newFixedThreadPool(Math.max(1, settings.podCreationThreads()), r -> {
            Thread thread = new Thread(r, "stratoflow-pod-deleter");
            thread.setDaemon(true);
            return thread;
        });
        limiter = new PodCreationLimiter(settings.podCreatesPerSecond());
        builder = new TaskPodBuilder(new TaskPodDefaults(settings.defaultImage(), settings.taskServiceAccount().orElse(null),
                datastores.credentialsSecret().orElse(null)));
    }
}
