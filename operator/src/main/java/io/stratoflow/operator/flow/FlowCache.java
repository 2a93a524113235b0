package io.stratoflow.operator.flow;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.stratoflow.model.Flow;
import io.stratoflow.operator.periodic.InformerCaches;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * The Flow controller's informer cache, shared with the web view, which finds there the datastores and the graphs of
 * runs whose Run objects are gone, without asking the API server on every look.
 */
@ApplicationScoped
public class FlowCache {

    private volatile IndexerResourceCache<Flow> flows;

    void use(IndexerResourceCache<Flow> flows) {
        this.flows = flows;
    }

    /** Every cached Flow; none until the Flow controller has started. */
    public List<Flow> flows() {
        IndexerResourceCache<Flow> current = flows;
        return InformerCaches.started(current) ? current.list().toList() : List.of();
    }

    public Optional<Flow> flow(String namespace, String name) {
        IndexerResourceCache<Flow> current = flows;
        return InformerCaches.started(current) ? current.get(new ResourceID(name, namespace)) : Optional.empty();
    }
}
