package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.function.Predicate;

/**
 * The one informer cache of task Pods, which the Run controller owns, shared with the ComputePool
 * controller: a wide fan-out holds thousands of Pods, and a second cache of the same Pods would
 * double the operator's memory.
 */
@ApplicationScoped
public class TaskPodCache {

    private volatile InformerEventSource<Pod, ?> source;

    public void use(InformerEventSource<Pod, ?> source) {
        this.source = source;
    }

    /** The cached task Pods that match; none until the Run controller has started its informer. */
    public List<Pod> list(Predicate<Pod> filter) {
        InformerEventSource<Pod, ?> current = source;
        return current == null ? List.of() : current.list(filter).toList();
    }
}
