package io.stratoflow.operator.run;

import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Run;
import io.stratoflow.operator.periodic.InformerCaches;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * The Run controller's informer caches of Runs and ComputePools, shared with the web view, which
 * reads them instead of asking the API server on every look.
 */
@ApplicationScoped
public class RunCache {

    private volatile IndexerResourceCache<Run> runs;
    private volatile InformerEventSource<ComputePool, Run> pools;

    void use(IndexerResourceCache<Run> runs, InformerEventSource<ComputePool, Run> pools) {
        this.runs = runs;
        this.pools = pools;
    }

    /** Whether both caches have started: before that they hold nothing, and the lists below are empty. */
    public boolean ready() {
        return InformerCaches.started(runs) && InformerCaches.started(pools);
    }

    /** Every cached Run; none until the Run controller has started. */
    public List<Run> runs() {
        IndexerResourceCache<Run> current = runs;
        return InformerCaches.started(current) ? current.list().toList() : List.of();
    }

    public Optional<Run> run(String namespace, String name) {
        IndexerResourceCache<Run> current = runs;
        return InformerCaches.started(current)
                ? current.get(new io.javaoperatorsdk.operator.processing.event.ResourceID(name, namespace)) : Optional.empty();
    }

    /** Every cached ComputePool; none until the Run controller has started. */
    public List<ComputePool> pools() {
        InformerEventSource<ComputePool, Run> current = pools;
        return InformerCaches.started(current) ? current.list().toList() : List.of();
    }
}
