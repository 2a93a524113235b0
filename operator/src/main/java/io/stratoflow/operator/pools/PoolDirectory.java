package io.stratoflow.operator.pools;

import io.stratoflow.model.ComputePool;
import io.stratoflow.model.NodePoolReference;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.pods.TaskResources;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which ComputePool a step runs in, and whether its tasks can ever fit there. */
public final class PoolDirectory {

    /** The pool of a step (null when the cluster has no pool for it), or why the step cannot run. */
    public record Resolution(ComputePool pool, String refusal) {
    }

    private final List<ComputePool> pools;

    public PoolDirectory(Collection<ComputePool> pools) {
        this.pools = pools.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    public Optional<ComputePool> byName(String name) {
        return pools.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
    }

    /** The ComputePool the step names, or null when it runs in the default pool. */
    public static String namedPool(StepSpec step) {
        String wanted = step.placement == null ? null : step.placement.computePool;
        return wanted == null || wanted.isBlank() ? null : wanted;
    }

    public Resolution resolve(StepSpec step, TaskResources resources, String namespace) {
        String wanted = namedPool(step);
        ComputePool pool;
        if (wanted != null) {
            pool = byName(wanted).orElse(null);
            if (pool == null) {
                return new Resolution(null, "Step '" + step.name + "' runs in ComputePool '" + wanted + "', which does not exist"
                        + (pools.isEmpty() ? "; no ComputePool exists yet" : "; the pools are " + names()) + ".");
            }
        } else {
            pool = pools.stream().filter(p -> p.getSpec().defaultPool).findFirst().orElse(null);
            if (pool == null) {
                return new Resolution(null, null);
            }
        }
        List<String> namespaces = pool.getSpec().namespaces;
        if (!namespaces.isEmpty() && !namespaces.contains(namespace)) {
            return new Resolution(null, "Step '" + step.name + "' runs in ComputePool '" + pool.getMetadata().getName()
                    + "', which namespace '" + namespace + "' may not use (allowed: " + namespaces + ").");
        }
        List<String> excess = resources.excess(pool.getSpec().maxTaskResources);
        if (!excess.isEmpty()) {
            return refuse(step, resources, "more than a node of ComputePool '" + pool.getMetadata().getName() + "' can hold", excess);
        }
        NodePoolReference nodePool = pool.getSpec().nodePool;
        if (nodePool != null) {
            List<String> beyondInstance = resources.excess(nodePool.largestInstance);
            if (!beyondInstance.isEmpty()) {
                return refuse(step, resources, "more than the largest instance that node pool '" + nodePool.name
                        + "' can add to ComputePool '" + pool.getMetadata().getName() + "' offers", beyondInstance);
            }
            PoolResources limits = pool.getStatus() == null || pool.getStatus().nodePool == null ? null : pool.getStatus().nodePool.limits;
            List<String> beyondLimits = resources.excess(limits == null ? null : withoutGpuLimit(limits));
            if (!beyondLimits.isEmpty()) {
                return refuse(step, resources, "more than node pool '" + nodePool.name + "' of ComputePool '"
                        + pool.getMetadata().getName() + "' may provision in all (its limits)", beyondLimits);
            }
        }
        return new Resolution(pool, null);
    }

    /**
     * Whether nodes can still come to the pool: it says an autoscaler watches it, or it names the autoscaler's node
     * pool and that pool was not found missing. Its unschedulable Pods then wait instead of failing their task.
     */
    public static boolean canAddNodes(ComputePool pool) {
        if (pool.getSpec().scalable) {
            return true;
        }
        if (pool.getSpec().nodePool == null) {
            return false;
        }
        return pool.getStatus() == null || pool.getStatus().conditions.stream()
                .noneMatch(c -> NodePoolReader.CONDITION.equals(c.getType()) && "False".equals(c.getStatus()));
    }

    private Resolution refuse(StepSpec step, TaskResources resources, String what, List<String> excess) {
        return new Resolution(null, "Step '" + step.name + "' asks for " + resources + ", " + what + ": " + String.join(", ", excess)
                + ". " + largestOffer()
                + " The flow refuses to execute: lower the step's @Resources (or the Run's overrides), or add a pool that can hold it.");
    }

    /** A node pool's limits say nothing of GPUs unless they name them: an unnamed GPU limit is no limit, not zero. */
    private static PoolResources withoutGpuLimit(PoolResources limits) {
        if (limits.gpu != null) {
            return limits;
        }
        PoolResources copy = new PoolResources(limits.cpu, limits.memory, Integer.MAX_VALUE);
        copy.ephemeralStorage = limits.ephemeralStorage;
        return copy;
    }

    private String largestOffer() {
        if (pools.isEmpty()) {
            return "";
        }
        return "The pools offer at most: " + String.join("; ", pools.stream()
                .map(p -> p.getMetadata().getName() + " (" + offer(largestTask(p)) + ")").toList()) + ".";
    }

    /** The largest task a pool holds: its maxTaskResources, within the largest instance of its node pool. */
    private static PoolResources largestTask(ComputePool pool) {
        PoolResources max = pool.getSpec().maxTaskResources;
        NodePoolReference nodePool = pool.getSpec().nodePool;
        if (nodePool == null || nodePool.largestInstance == null) {
            return max;
        }
        PoolResources instance = nodePool.largestInstance;
        PoolResources largest = new PoolResources(smaller(max == null ? null : max.cpu, instance.cpu),
                smaller(max == null ? null : max.memory, instance.memory), null);
        Integer maxGpu = max == null ? null : max.gpu;
        if (maxGpu == null || instance.gpu == null) {
            largest.gpu = maxGpu == null ? instance.gpu : maxGpu;
        } else {
            largest.gpu = Math.min(maxGpu, instance.gpu);
        }
        largest.ephemeralStorage = smaller(max == null ? null : max.ephemeralStorage, instance.ephemeralStorage);
        return largest;
    }

    private static String smaller(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return PoolQuantities.amount(a) <= PoolQuantities.amount(b) ? a : b;
    }

    /** The limits a pool sets, e.g. {@code memory=256Gi, gpu=1}; only those it sets. */
    private static String offer(PoolResources max) {
        List<String> limits = new ArrayList<>();
        if (max != null) {
            if (max.cpu != null) {
                limits.add("cpu=" + max.cpu);
            }
            if (max.memory != null) {
                limits.add("memory=" + max.memory);
            }
            if (max.gpu != null) {
                limits.add("gpu=" + max.gpu);
            }
            if (max.ephemeralStorage != null) {
                limits.add("disk=" + max.ephemeralStorage);
            }
        }
        return limits.isEmpty() ? "no limit" : String.join(", ", limits);
    }

    private List<String> names() {
        return pools.stream().map(p -> p.getMetadata().getName()).toList();
    }
}
