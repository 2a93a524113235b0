package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An informer cache of task Pods that keeps only what the operator reads: name, labels, its own
 * annotations, owner, node, requests, phase, a pending scheduling condition and the termination
 * state. A wide foreach holds ten thousand Pods in memory; their environment, managed fields,
 * limits and full status are most of their size and never read. Label keys and values, and
 * quantities, repeat from Pod to Pod and are shared.
 */
public final class PrunedPodStore extends BasicItemStore<Pod> {

    /** Model objects carry a map of unknown properties each; the pruned ones share one empty map. */
    private static final Map<String, Object> NO_EXTRA_PROPERTIES = Map.of();
    private static final int MAX_SHARED = 16_384;
    private static final Map<String, String> SHARED_STRINGS = new ConcurrentHashMap<>();
    private static final Map<String, Quantity> SHARED_QUANTITIES = new ConcurrentHashMap<>();

    public PrunedPodStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Pod put(String key, Pod pod) {
        return super.put(key, prune(pod));
    }

    static Pod prune(Pod pod) {
        Pod pruned = new Pod();
        pruned.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        pruned.setApiVersion(pod.getApiVersion());
        pruned.setKind(pod.getKind());
        pruned.setMetadata(metadata(pod.getMetadata()));
        if (pod.getSpec() != null) {
            PodSpec spec = new PodSpec();
            spec.setAdditionalProperties(NO_EXTRA_PROPERTIES);
            spec.setNodeName(shared(pod.getSpec().getNodeName()));
            spec.setContainers(pod.getSpec().getContainers().stream().map(PrunedPodStore::container).toList());
            pruned.setSpec(spec);
        }
        if (pod.getStatus() != null) {
            pruned.setStatus(status(pod.getStatus()));
        }
        return pruned;
    }

    private static ObjectMeta metadata(ObjectMeta from) {
        ObjectMeta meta = new ObjectMeta();
        meta.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        meta.setName(from.getName());
        meta.setNamespace(shared(from.getNamespace()));
        meta.setUid(from.getUid());
        meta.setResourceVersion(from.getResourceVersion());
        meta.setCreationTimestamp(from.getCreationTimestamp());
        meta.setDeletionTimestamp(from.getDeletionTimestamp());
        meta.setLabels(sharedEntries(from.getLabels(), ""));
        meta.setAnnotations(sharedEntries(from.getAnnotations(), "stratoflow.io/"));
        if (from.getOwnerReferences() != null) {
            meta.setOwnerReferences(from.getOwnerReferences().stream().map(PrunedPodStore::owner).toList());
        }
        return meta;
    }

    private static OwnerReference owner(OwnerReference from) {
        OwnerReference owner = new OwnerReference(shared(from.getApiVersion()), from.getBlockOwnerDeletion(), from.getController(),
                shared(from.getKind()), shared(from.getName()), shared(from.getUid()));
        owner.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        return owner;
    }

    private static Container container(Container from) {
        Container container = new Container();
        container.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        container.setName(shared(from.getName()));
        ResourceRequirements resources = new ResourceRequirements();
        resources.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        Map<String, Quantity> requests = new LinkedHashMap<>();
        if (from.getResources() != null && from.getResources().getRequests() != null) {
            from.getResources().getRequests().forEach((name, amount) -> requests.put(shared(name), shared(amount)));
        }
        resources.setRequests(requests);
        container.setResources(resources);
        return container;
    }

    private static PodStatus status(PodStatus from) {
        PodStatus status = new PodStatus();
        status.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        status.setPhase(shared(from.getPhase()));
        status.setReason(from.getReason());
        status.setMessage(from.getMessage());
        if (from.getConditions() != null) {
            // Only a Pod the scheduler could not place yet needs its scheduling condition kept.
            List<PodCondition> pending = from.getConditions().stream()
                    .filter(c -> "PodScheduled".equals(c.getType()) && !"True".equals(c.getStatus())).toList();
            status.setConditions(pending);
        }
        if (from.getContainerStatuses() != null) {
            status.setContainerStatuses(from.getContainerStatuses().stream()
                    .filter(s -> s.getState() != null && (s.getState().getTerminated() != null
                            || s.getState().getWaiting() != null && StuckContainers.isStuck(s.getState().getWaiting().getReason())))
                    .map(s -> s.getState().getTerminated() != null ? terminated(s) : stuck(s)).toList());
        }
        return status;
    }

    /** A container that cannot start: its reason and message are what the Run reports. */
    private static ContainerStatus stuck(ContainerStatus from) {
        ContainerStateWaiting waiting = new ContainerStateWaiting();
        waiting.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        waiting.setReason(shared(from.getState().getWaiting().getReason()));
        waiting.setMessage(from.getState().getWaiting().getMessage());
        ContainerState state = new ContainerState();
        state.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        state.setWaiting(waiting);
        ContainerStatus status = new ContainerStatus();
        status.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        status.setName(shared(from.getName()));
        status.setState(state);
        return status;
    }

    private static ContainerStatus terminated(ContainerStatus from) {
        ContainerStateTerminated was = from.getState().getTerminated();
        ContainerStateTerminated terminated = new ContainerStateTerminated();
        terminated.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        terminated.setExitCode(was.getExitCode());
        terminated.setReason(shared(was.getReason()));
        terminated.setMessage(was.getMessage());
        ContainerState state = new ContainerState();
        state.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        state.setTerminated(terminated);
        ContainerStatus status = new ContainerStatus();
        status.setAdditionalProperties(NO_EXTRA_PROPERTIES);
        status.setName(shared(from.getName()));
        status.setState(state);
        return status;
    }

    private static Map<String, String> sharedEntries(Map<String, String> from, String keyPrefix) {
        Map<String, String> kept = new LinkedHashMap<>();
        if (from != null) {
            from.forEach((key, value) -> {
                if (key.startsWith(keyPrefix)) {
                    boolean unique = key.equals(TaskPodNames.TASK_LABEL) || key.equals(TaskPodNames.TASK_ANNOTATION);
                    kept.put(shared(key), unique ? value : shared(value));
                }
            });
        }
        return kept;
    }

    private static String shared(String text) {
        return text == null ? null : share(SHARED_STRINGS, text, text);
    }

    private static Quantity shared(Quantity quantity) {
        return quantity == null ? null
                : share(SHARED_QUANTITIES, quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat()), quantity);
    }

    /** The instance already shared under {@code key}, or {@code value}, shared from now on while there is room. */
    private static <T> T share(Map<String, T> shared, String key, T value) {
        T known = shared.get(key);
        if (known != null) {
            return known;
        }
        if (shared.size() >= MAX_SHARED) {
            return value;
        }
        T previous = shared.putIfAbsent(key, value);
        return previous == null ? value : previous;
    }
}
