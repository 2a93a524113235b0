package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An informer cache of task Pods that keeps only what the operator reads: names, labels, its own
 * annotations, node, requests, phase, scheduling condition and termination state. A wide foreach
 * holds thousands of Pods in memory; their environment, managed fields and full status are most
 * of their size and never read.
 */
public final class PrunedPodStore extends BasicItemStore<Pod> {

    public PrunedPodStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Pod put(String key, Pod pod) {
        return super.put(key, prune(pod));
    }

    static Pod prune(Pod pod) {
        Pod pruned = new Pod();
        pruned.setApiVersion(pod.getApiVersion());
        pruned.setKind(pod.getKind());
        pruned.setMetadata(pod.getMetadata());
        pruned.getMetadata().setManagedFields(null);
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations != null) {
            Map<String, String> ours = new LinkedHashMap<>();
            annotations.forEach((k, v) -> {
                if (k.startsWith("stratoflow.io/")) {
                    ours.put(k, v);
                }
            });
            pruned.getMetadata().setAnnotations(ours);
        }
        if (pod.getSpec() != null) {
            PodSpec spec = new PodSpec();
            spec.setNodeName(pod.getSpec().getNodeName());
            List<Container> containers = pod.getSpec().getContainers().stream()
                    .map(c -> new ContainerBuilder().withName(c.getName()).withResources(c.getResources()).build()).toList();
            spec.setContainers(containers);
            pruned.setSpec(spec);
        }
        if (pod.getStatus() != null) {
            PodStatus status = new PodStatus();
            status.setPhase(pod.getStatus().getPhase());
            status.setReason(pod.getStatus().getReason());
            status.setMessage(pod.getStatus().getMessage());
            if (pod.getStatus().getConditions() != null) {
                status.setConditions(pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).toList());
            }
            if (pod.getStatus().getContainerStatuses() != null) {
                List<ContainerStatus> terminated = pod.getStatus().getContainerStatuses().stream()
                        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
                        .map(s -> new ContainerStatusBuilder().withName(s.getName()).withNewState()
                                .withTerminated(s.getState().getTerminated()).endState().build())
                        .toList();
                status.setContainerStatuses(terminated);
            }
            pruned.setStatus(status);
        }
        return pruned;
    }
}
