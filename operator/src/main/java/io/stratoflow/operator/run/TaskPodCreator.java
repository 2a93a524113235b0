package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.config.OperatorSettings;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.ClusterTaskSpecs;
import io.stratoflow.operator.metrics.PodCreationMetrics;
import io.stratoflow.operator.pods.PodCreationLimiter;
import io.stratoflow.operator.pods.TaskPodBuilder;
import io.stratoflow.operator.pods.TaskPodDefaults;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;
import io.stratoflow.operator.pools.PoolLedger;
import io.stratoflow.operator.pools.PoolQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Creates the Pods of a Run's running attempts that have none: each admitted to its pool within the pool's quota and
 * in order across Runs, at the configured creation rate, described by the {@code StartTask} the engine decided. Pod
 * names are deterministic, so a create repeated after a restart is a no-op.
 */
@ApplicationScoped
public class TaskPodCreator {

    private static final Logger LOG = Logger.getLogger(TaskPodCreator.class);

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
    /**
     * Per Run, the Pods this operator created that the informer has not shown yet: a pass that follows the creating one
     * within milliseconds would otherwise create them again, and be answered 409 for each. Forgotten once the informer
     * shows the Pod, or after {@link #UNSEEN_FOR_AT_MOST} (a Pod deleted before the informer ever saw it is created
     * again then), or after a restart, when the 409 says the same.
     */
    private final Map<String, Map<String, Long>> createdUnseen = new ConcurrentHashMap<>();
    static final long UNSEEN_FOR_AT_MOST = java.time.Duration.ofSeconds(30).toMillis();

    Created createMissing(RunPass pass) {
        if (pass.state().phase().isFinal()) {
            return Created.NONE;
        }
        List<Pending> toCreate = new ArrayList<>();
        Map<String, List<Pending>> toAdmit = new LinkedHashMap<>();
        Map<String, Long> unseen = createdUnseen.computeIfAbsent(pass.namespace() + "/" + pass.name(), k -> new ConcurrentHashMap<>());
        long now = pass.now().toEpochMilli();
        unseen.entrySet().removeIf(e -> pass.pods().containsKey(e.getKey()) || now - e.getValue() > UNSEEN_FOR_AT_MOST);
        boolean capped = collect(pass, unseen, toCreate, toAdmit);
        Map<String, Integer> waiting = admit(pass, toAdmit, toCreate);
        Created created = create(pass, toCreate, unseen);
        for (ComputePool pool : pass.pools()) {
            poolQueue.waiting(pool.getMetadata().getName(), pass.queueKey(), waiting.getOrDefault(pool.getMetadata().getName(), 0));
        }
        int waitingTotal = waiting.values().stream().mapToInt(Integer::intValue).sum();
        // a pass cut short goes on at once, unless quota holds tasks back (those look again when it frees)
        return new Created(created.created(), waitingTotal, String.join(", ", new TreeSet<>(waiting.keySet())), created.creationError(),
                capped && waitingTotal == 0);
    }

    /** The running attempts without a Pod, at most {@link #MAX_CREATES_PER_PASS}: those in a pool with a quota wait for admission. */
    private static boolean collect(RunPass pass, Map<String, Long> unseen, List<Pending> toCreate, Map<String, List<Pending>> toAdmit) {
        int considered = 0;
        for (ActiveTask active : pass.state().running()) {
            String name = TaskPodNames.podName(pass.name(), active.task(), active.attempt());
            if (pass.pods().containsKey(name) || unseen.containsKey(name)) {
                continue;
            }
            if (considered >= MAX_CREATES_PER_PASS) {
                return true;
            }
            StepSpec step = pass.step(active.task().step());
            if (ExternalTasks.isExternal(step)) {
                continue;
            }
            considered++;
            TaskResources resources = TaskResources.of(step, pass.run().getSpec().overrides);
            ComputePool pool = pass.poolOf(step).pool();
            Pending pending = new Pending(name, active, step, resources, pool);
            if (pool != null && pool.getSpec().quota != null) {
                toAdmit.computeIfAbsent(pool.getMetadata().getName(), p -> new ArrayList<>()).add(pending);
            } else {
                toCreate.add(pending);
            }
        }
        return false;
    }

    /** Admits what each pool's quota holds, when this Run is first in the pool's line; returns how many wait, by pool. */
    private Map<String, Integer> admit(RunPass pass, Map<String, List<Pending>> toAdmit, List<Pending> toCreate) {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        toAdmit.forEach((poolName, candidates) -> {
            int admitted = 0;
            if (poolQueue.firstInLine(poolName, pass.queueKey())) {
                admitted = ledger.admit(poolName, candidates.get(0).pool().getSpec().quota, pass.queueKey(),
                        candidates.stream().map(c -> new PoolLedger.Candidate(c.podName(), c.resources())).toList(), pass::allTaskPods).size();
                toCreate.addAll(candidates.subList(0, admitted));
            }
            if (admitted < candidates.size()) {
                waiting.put(poolName, candidates.size() - admitted);
            }
        });
        return waiting;
    }

    private Created create(RunPass pass, List<Pending> toCreate, Map<String, Long> unseen) {
        DatastoreLocation datastore = pass.datastore(datastores).orElse(null);
        List<Future<Boolean>> creations = new ArrayList<>(toCreate.size());
        for (Pending pending : toCreate) {
            var spec = ClusterTaskSpecs.of(pass.run(), pass.flow(), pending.step(), pass.started(pending.active()), pass.parameters(), datastore);
            Pod pod = builder.build(pass.run(), pass.flow(), pending.step(), pending.active().task(), spec, pending.resources(), pending.pool());
            creations.add(creators.submit(() -> create(pass.client(), pod)));
        }
        int created = 0;
        String creationError = null;
        for (int i = 0; i < creations.size(); i++) {
            try {
                if (creations.get(i).get()) {
                    created++;
                }
                unseen.put(toCreate.get(i).podName(), pass.now().toEpochMilli());
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
        return new Created(created, 0, "", creationError, false);
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

    /** A Run that has ended, or is gone, creates nothing more. */
    void forget(RunPass pass) {
        createdUnseen.remove(pass.namespace() + "/" + pass.name());
    }

    @PreDestroy
    void close() {
        creators.shutdownNow();
    }

    @PostConstruct
    void init() {
        creators = PodRequestThreads.named("stratoflow-pod-creator", settings.podCreationThreads());
        limiter = new PodCreationLimiter(settings.podCreatesPerSecond());
        builder = new TaskPodBuilder(new TaskPodDefaults(settings.defaultImage(), settings.taskServiceAccount().orElse(null),
                datastores.credentialsSecret().orElse(null)));
    }
}
