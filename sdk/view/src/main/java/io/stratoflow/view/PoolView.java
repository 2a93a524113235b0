package io.stratoflow.view;

import java.util.List;
import java.util.Map;

/**
 * A compute pool as the Status and Pools views show it: where its tasks go, what it holds and
 * what is asked of it now, and its recent history (oldest first). {@code autoscaler} describes the
 * node pool that adds nodes to it (its largest instance, limits and what it provisioned), or is null.
 */
public record PoolView(String name, Map<String, String> nodeSelector, List<String> tolerations, String largestTask, String quota,
                       String autoscaler, int nodes, Resources capacity, Resources demandRunning, Resources demandWaiting, int queuedTasks,
                       List<PoolSample> history) {

    /** CPU in cores, memory in GiB, GPUs. */
    public record Resources(double cpu, double memoryGiB, int gpu) {
    }
}
