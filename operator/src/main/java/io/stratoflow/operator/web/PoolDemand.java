package io.stratoflow.operator.web;

import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolStatus;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.pools.PoolQuantities;
import io.stratoflow.view.PoolSample;
import io.stratoflow.view.PoolView;


/** A pool's demand against its capacity, from the figures its status carries (CPU in cores, memory as a quantity). */
final class PoolDemand {

    private PoolDemand() {
    }

    static PoolView.Resources resources(PoolResources resources) {
        if (resources == null) {
            return new PoolView.Resources(0, 0, 0);
        }
        return new PoolView.Resources(amount(resources.cpu, 1), amount(resources.memory, 1L << 30),
                resources.gpu == null ? 0 : resources.gpu);
    }

    /** Demand (running and waiting tasks' requests) as a percentage of allocatable capacity, now. */
    static PoolSample sample(ComputePool pool, long at) {
        ComputePoolStatus status = pool.getStatus();
        if (status == null) {
            return new PoolSample(at, null, null, null, 0);
        }
        PoolView.Resources capacity = resources(status.allocatable);
        PoolView.Resources running = resources(status.requestedRunning);
        PoolView.Resources waiting = resources(status.requestedWaiting);
        return new PoolSample(at, percent(running.cpu() + waiting.cpu(), capacity.cpu()),
                percent(running.memoryGiB() + waiting.memoryGiB(), capacity.memoryGiB()),
                percent(running.gpu() + waiting.gpu(), capacity.gpu()), status.nodes == null ? 0 : status.nodes);
    }

    /** Null without capacity of that kind (a pool without GPUs, or without nodes yet): no percentage to chart. */
    private static Double percent(double demand, double capacity) {
        if (capacity <= 0) {
            return null;
        }
        return Math.round(1000 * demand / capacity) / 10.0;
    }

    private static double amount(String quantity, double unit) {
        return PoolQuantities.amount(quantity) / unit;
    }
}
