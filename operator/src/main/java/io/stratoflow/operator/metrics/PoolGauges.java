package io.stratoflow.operator.metrics;

import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolStatus;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.periodic.InformerCaches;
import io.stratoflow.operator.pools.PoolQuantities;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per ComputePool, what its status says (the ComputePool controller recounts it every 5 s): Ready nodes, their capacity,
 * what the pool's task Pods request, tasks queued and running. CPU in cores, memory in bytes, GPUs in devices.
 */
@ApplicationScoped
public class PoolGauges {

    static final String NODES = "stratoflow.pool.nodes";
    static final String CAPACITY = "stratoflow.pool.capacity";
    static final String DEMAND = "stratoflow.pool.demand";
    static final String QUEUED_TASKS = "stratoflow.pool.queued.tasks";
    static final String RUNNING_TASKS = "stratoflow.pool.running.tasks";

    private final SnapshotGauge nodes;
    private final SnapshotGauge capacity;
    private final SnapshotGauge demand;
    private final SnapshotGauge queuedTasks;
    private final SnapshotGauge runningTasks;
    private final GaugeRefresh refresh;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile ResourceCache<ComputePool> cache;

    @Inject
    public PoolGauges(MeterRegistry registry, GaugeRefresh refresh) {
        this.nodes = new SnapshotGauge(registry, NODES, "Ready nodes that match the pool's node selector");
        this.capacity = new SnapshotGauge(registry, CAPACITY, "Allocatable resources of the pool's Ready nodes");
        this.demand = new SnapshotGauge(registry, DEMAND, "Resources requested by the pool's task Pods, running or waiting for a node");
        this.queuedTasks = new SnapshotGauge(registry, QUEUED_TASKS, "Tasks of the pool waiting for its quota or for a node");
        this.runningTasks = new SnapshotGauge(registry, RUNNING_TASKS, "Task Pods of the pool placed on a node");
        this.refresh = refresh;
    }

    public void readFrom(ResourceCache<ComputePool> poolCache) {
        cache = poolCache;
        if (reading.compareAndSet(false, true)) {
            refresh.every("ComputePools", () -> InformerCaches.started(cache), this::read);
        }
    }

    private void read() {
        Map<Tags, Double> nodeCounts = new HashMap<>();
        Map<Tags, Double> capacities = new HashMap<>();
        Map<Tags, Double> demands = new HashMap<>();
        Map<Tags, Double> queued = new HashMap<>();
        Map<Tags, Double> running = new HashMap<>();
        cache.list().forEach(pool -> {
            ComputePoolStatus status = pool.getStatus();
            if (status == null) {
                return; // not counted yet
            }
            Tags tags = Tags.of("pool", pool.getMetadata().getName());
            putIfKnown(nodeCounts, tags, status.nodes);
            putIfKnown(queued, tags, status.queuedTasks);
            putIfKnown(running, tags, status.runningTasks);
            amounts(status.allocatable).forEach((resource, amount) -> capacities.put(tags.and("resource", resource), amount));
            Map<String, Double> requested = amounts(status.requestedRunning);
            amounts(status.requestedWaiting).forEach((resource, amount) -> requested.merge(resource, amount, Double::sum));
            requested.forEach((resource, amount) -> demands.put(tags.and("resource", resource), amount));
        });
        nodes.set(nodeCounts);
        capacity.set(capacities);
        demand.set(demands);
        queuedTasks.set(queued);
        runningTasks.set(running);
    }

    private static void putIfKnown(Map<Tags, Double> values, Tags tags, Integer value) {
        if (value != null) {
            values.put(tags, value.doubleValue());
        }
    }

    /** CPU in cores, memory in bytes, GPUs in devices; what the status leaves out is left out. */
    private static Map<String, Double> amounts(PoolResources resources) {
        Map<String, Double> amounts = new HashMap<>();
        if (resources == null) {
            return amounts;
        }
        if (resources.cpu != null) {
            amounts.put("cpu", PoolQuantities.amount(resources.cpu));
        }
        if (resources.memory != null) {
            amounts.put("memory", PoolQuantities.amount(resources.memory));
        }
        if (resources.gpu != null) {
            amounts.put("gpu", resources.gpu.doubleValue());
        }
        return amounts;
    }
}
