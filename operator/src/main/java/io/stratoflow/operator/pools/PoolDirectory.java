package io.stratoflow.operator.pools;

import io.stratoflow.model.ComputePool;
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

    public Resolution resolve(StepSpec step, TaskResources resources, String namespace) {
        String wanted = step.placement == null ? null : step.placement.computePool;
        ComputePool pool;
        if (wanted != null && !wanted.isBlank()) {
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
            return new Resolution(null, "Step '" + step.name + "' asks for " + resources + ", more than a node of ComputePool '"
                    + pool.getMetadata().getName() + "' can hold: " + String.join(", ", excess) + ". " + largestOffer()
                    + " The flow refuses to execute: lower the step's @Resources (or the Run's overrides), or add a pool that can hold it.");
        }
        return new Resolution(pool, null);
    }

    private String largestOffer() {
        if (pools.isEmpty()) {
            return "";
        }
        return "The pools offer at most: " + String.join("; ", pools.stream()
                .map(p -> p.getMetadata().getName() + " (" + offer(p.getSpec().maxTaskResources) + ")").toList()) + ".";
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
