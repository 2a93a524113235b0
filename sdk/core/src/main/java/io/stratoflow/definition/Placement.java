package io.stratoflow.definition;

import java.util.List;
import java.util.Map;

/**
 * Where a step runs on a cluster.
 *
 * @param kubernetes whether the step carries {@code @Kubernetes}, which sends it to a cluster
 * @param tolerations each {@code key[=value]:effect}
 */
public record Placement(boolean kubernetes, String image, Map<String, String> nodeSelector, List<String> tolerations,
                        String computePool, String gpuVendor) {

    public static final Placement NONE = new Placement(false, "", Map.of(), List.of(), "", "nvidia");

    public Placement {
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
    }

    public boolean isEmpty() {
        return !kubernetes && nodeSelector.isEmpty() && tolerations.isEmpty() && computePool.isEmpty();
    }
}
