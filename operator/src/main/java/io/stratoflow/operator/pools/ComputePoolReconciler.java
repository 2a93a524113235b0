package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolStatus;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.metrics.PoolGauges;
import io.stratoflow.operator.pods.TaskPodCache;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;
import io.stratoflow.operator.status.Conditions;
import io.stratoflow.operator.status.ReconcileFailures;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Keeps a ComputePool's status current: its nodes and their capacity, and what its tasks request. */
@ControllerConfiguration(name = "computepool")
public class ComputePoolReconciler implements Reconciler<ComputePool> {

    private final ReconcileFailures failures = new ReconcileFailures();
    private final NodePoolReader nodePools = new NodePoolReader();

    /**
     * How often a pool's status is recounted from the caches of nodes and task Pods. Neither
     * triggers the pool by itself: in a wide fan-out every Pod event would recount the pool's Pods,
     * thousands of times over, for a status that people read every few seconds at most.
     */
    static final Duration REFRESH = Duration.ofSeconds(5);

    @Inject
    PoolQueue poolQueue;

    @Inject
    TaskPodCache taskPods;

    @Inject
    PoolGauges poolGauges;

    @Override
    public List<EventSource<?, ComputePool>> prepareEventSources(EventSourceContext<ComputePool> context) {
        InformerEventSource<Node, ComputePool> nodes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, ComputePool.class)
                        .withSecondaryToPrimaryMapper(node -> Set.of()).build(), context);
        poolGauges.readFrom(context.getPrimaryCache());
        return List.of(nodes);
    }

    @Override
    @SuppressWarnings("unchecked")
    public UpdateControl<ComputePool> reconcile(ComputePool pool, Context<ComputePool> context) {
        String name = pool.getMetadata().getName();
        long generation = pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
        Instant now = Instant.now();
        var nodeSource = (InformerEventSource<Node, ComputePool>) context.eventSourceRetriever().getEventSourceFor(Node.class);
        List<Node> nodes = nodeSource.list(node -> matches(node, pool.getSpec().nodeSelector) && ready(node)).toList();
        List<Pod> pods = taskPods.list(pod -> name.equals(pod.getMetadata().getLabels().get(TaskPodNames.POOL_LABEL)) && PoolUsage.live(pod));
        List<Pod> running = pods.stream().filter(p -> p.getSpec().getNodeName() != null).toList();
        List<Pod> waiting = pods.stream().filter(p -> p.getSpec().getNodeName() == null).toList();

        ComputePoolStatus status = pool.getStatus() == null ? new ComputePoolStatus() : pool.getStatus();
        ComputePoolStatus before = copyOf(status);
        status.observedGeneration = generation;
        status.nodes = nodes.size();
        BigDecimal cpu = sum(nodes, "cpu");
        BigDecimal memory = sum(nodes, "memory");
        BigDecimal gpu = sum(nodes, TaskResources.NVIDIA_GPU).add(sum(nodes, TaskResources.AMD_GPU));
        status.allocatable = new PoolResources(cores(cpu), gibibytes(memory), gpu.intValue());
        PoolUsage runningUsage = PoolUsage.of(name, running);
        PoolUsage waitingUsage = PoolUsage.of(name, waiting);
        status.requestedRunning = new PoolResources(cores(runningUsage.cpu()), gibibytes(runningUsage.memory()), (int) runningUsage.gpu());
        status.requestedWaiting = new PoolResources(cores(waitingUsage.cpu()), gibibytes(waitingUsage.memory()), (int) waitingUsage.gpu());
        status.runningTasks = running.size();
        status.queuedTasks = waiting.size() + poolQueue.waitingIn(name);
        status.cpu = cores(runningUsage.cpu()) + "/" + cores(cpu);
        status.memory = gibibytes(runningUsage.memory()) + "/" + gibibytes(memory);
        ReconcileFailures.markReconciled(status.conditions, generation, now);
        describeNodePool(pool, status, context, generation, now);
        boolean canAddNodes = PoolDirectory.canAddNodes(pool);
        Conditions.set(status.conditions, "Ready", !nodes.isEmpty() || canAddNodes,
                !nodes.isEmpty() ? "NodesReady" : canAddNodes ? "NodesOnDemand" : "NoNodes",
                !nodes.isEmpty() ? nodes.size() + " node(s) ready"
                        : canAddNodes ? "no node yet: nodes are added for the pool's pending tasks"
                        : "no Ready node matches the pool's nodeSelector " + pool.getSpec().nodeSelector,
                generation, now);
        pool.setStatus(status);
        UpdateControl<ComputePool> control = same(before, status) ? UpdateControl.noUpdate() : UpdateControl.patchStatus(pool);
        return control.rescheduleAfter(REFRESH);
    }

    /** The autoscaler's node pool: what it may still add, and whether the operator can see it. */
    private void describeNodePool(ComputePool pool, ComputePoolStatus status, Context<ComputePool> context, long generation, Instant now) {
        if (pool.getSpec().nodePool == null) {
            status.nodePool = null;
            Conditions.remove(status.conditions, NodePoolReader.CONDITION);
            return;
        }
        NodePoolReader.Reading reading = nodePools.read(context.getClient(), pool.getSpec().nodePool, now);
        status.nodePool = reading.status();
        switch (reading.found()) {
            case FOUND -> Conditions.set(status.conditions, NodePoolReader.CONDITION, true, "Found", reading.message(), generation, now);
            case MISSING -> Conditions.set(status.conditions, NodePoolReader.CONDITION, false, "NotFound", reading.message(), generation, now);
            case NO_KARPENTER_API -> Conditions.setUnknown(status.conditions, NodePoolReader.CONDITION, "NoKarpenterAPI", reading.message(),
                    generation, now);
            case FORBIDDEN -> Conditions.setUnknown(status.conditions, NodePoolReader.CONDITION, "Forbidden", reading.message(), generation, now);
        }
    }

    /** A failure (the API server down, the operator's RBAC) ends as condition Reconciled False. */
    @Override
    public ErrorStatusUpdateControl<ComputePool> updateErrorStatus(ComputePool pool, Context<ComputePool> context, Exception e) {
        ComputePoolStatus status = pool.getStatus() == null ? new ComputePoolStatus() : pool.getStatus();
        failures.recordFailure(pool, status.conditions, e);
        pool.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(pool);
    }

    static boolean matches(Node node, Map<String, String> selector) {
        Map<String, String> labels = node.getMetadata().getLabels();
        return selector.entrySet().stream().allMatch(e -> labels != null && Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    private static boolean ready(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static BigDecimal sum(List<Node> nodes, String resource) {
        BigDecimal total = BigDecimal.ZERO;
        for (Node node : nodes) {
            Quantity quantity = node.getStatus().getAllocatable() == null ? null : node.getStatus().getAllocatable().get(resource);
            if (quantity != null) {
                total = total.add(Quantity.getAmountInBytes(quantity));
            }
        }
        return total;
    }

    static String cores(BigDecimal cpu) {
        return cpu.setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    static String gibibytes(BigDecimal bytes) {
        return bytes.divide(BigDecimal.valueOf(1L << 30), 1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "Gi";
    }

    private static ComputePoolStatus copyOf(ComputePoolStatus status) {
        return io.stratoflow.datastore.Json.METADATA.convertValue(status, ComputePoolStatus.class);
    }

    private static boolean same(ComputePoolStatus a, ComputePoolStatus b) {
        return io.stratoflow.datastore.Json.METADATA.valueToTree(a).equals(io.stratoflow.datastore.Json.METADATA.valueToTree(b));
    }
}
