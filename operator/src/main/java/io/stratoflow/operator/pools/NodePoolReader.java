package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.model.NodePoolReference;
import io.stratoflow.model.NodePoolStatus;
import io.stratoflow.model.PoolResources;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Reads the autoscaler's node pool behind a ComputePool: a Karpenter NodePool's limits and what it
 * has provisioned. A cluster without Karpenter's API is not an error: another autoscaler (one that
 * adds nodes for pending Pods) may stand behind the pool, and the pool's own spec is then all
 * there is to know.
 */
public final class NodePoolReader {

    public static final String API_VERSION = "karpenter.sh/v1";
    public static final String KIND = "NodePool";
    /** The ComputePool's condition that says whether its node pool was found. */
    public static final String CONDITION = "NodePoolFound";

    /** Whether the operator found the node pool, and why not. */
    public enum Found {
        FOUND, MISSING, NO_KARPENTER_API, FORBIDDEN
    }

    /** What the status shows, and the condition's verdict. */
    public record Reading(NodePoolStatus status, Found found, String message) {
    }

    private static final Duration API_RECHECK = Duration.ofMinutes(1);

    private volatile Boolean karpenterServed;
    private volatile Instant checkedApiAt = Instant.EPOCH;

    public Reading read(KubernetesClient client, NodePoolReference reference, Instant now) {
        NodePoolStatus status = new NodePoolStatus();
        status.name = reference.name;
        status.largestInstance = reference.largestInstance;
        try {
            if (!karpenterServed(client, now)) {
                return new Reading(status, Found.NO_KARPENTER_API, "the cluster serves no " + API_VERSION + " " + KIND
                        + ": the pool's tasks wait for whichever autoscaler adds nodes for pending Pods");
            }
            GenericKubernetesResource nodePool = client.genericKubernetesResources(API_VERSION, KIND).withName(reference.name).get();
            if (nodePool == null) {
                return new Reading(status, Found.MISSING, KIND + " '" + reference.name + "' does not exist: create it or fix "
                        + "spec.nodePool.name; until then the pool's tasks that no node can hold are reported unschedulable");
            }
            status.limits = resources(nodePool.get("spec", "limits"));
            Map<String, Object> provisioned = nodePool.get("status", "resources");
            status.provisioned = resources(provisioned);
            status.nodes = provisioned == null || provisioned.get("nodes") == null ? 0
                    : (int) PoolQuantities.amount(String.valueOf(provisioned.get("nodes")));
            return new Reading(status, Found.FOUND, KIND + " '" + reference.name + "' adds nodes to the pool");
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return new Reading(status, Found.FORBIDDEN, "the operator may not read " + KIND + " '" + reference.name
                        + "' (the chart grants get on nodepools.karpenter.sh): " + e.getStatus().getMessage());
            }
            throw e;
        }
    }

    private boolean karpenterServed(KubernetesClient client, Instant now) {
        if (karpenterServed == null || Duration.between(checkedApiAt, now).compareTo(API_RECHECK) > 0) {
            var resources = client.getApiResources(API_VERSION);
            karpenterServed = resources != null && resources.getResources().stream().anyMatch(r -> KIND.equals(r.getKind()));
            checkedApiAt = now;
        }
        return karpenterServed;
    }

    private static PoolResources resources(Map<String, Object> amounts) {
        if (amounts == null) {
            return null;
        }
        PoolResources resources = new PoolResources(text(amounts.get("cpu")), text(amounts.get("memory")), null);
        Object gpu = amounts.containsKey("nvidia.com/gpu") ? amounts.get("nvidia.com/gpu") : amounts.get("amd.com/gpu");
        if (gpu != null) {
            resources.gpu = (int) PoolQuantities.amount(String.valueOf(gpu));
        }
        resources.ephemeralStorage = text(amounts.get("ephemeral-storage"));
        return resources;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
