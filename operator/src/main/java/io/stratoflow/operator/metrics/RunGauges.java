package io.stratoflow.operator.metrics;

import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.Run;
import io.stratoflow.operator.periodic.InformerCaches;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs by namespace and phase, counted in the Run controller's cache. */
@ApplicationScoped
public class RunGauges {

    static final String RUNS = "stratoflow.runs";
    /** Every namespace with Runs has a series for each phase, 0 included, so that a query need not guess at absent ones. */
    static final List<String> PHASES = Arrays.stream(RunPhase.values()).map(RunPhase::statusName).toList();

    private final SnapshotGauge runs;
    private final GaugeRefresh refresh;
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile ResourceCache<Run> cache;

    @Inject
    public RunGauges(MeterRegistry registry, GaugeRefresh refresh) {
        this.runs = new SnapshotGauge(registry, RUNS, "Runs by phase (Pending includes Runs not reconciled yet)");
        this.refresh = refresh;
    }

    public void countFrom(ResourceCache<Run> runCache) {
        cache = runCache;
        if (counting.compareAndSet(false, true)) {
            refresh.every("Runs", () -> InformerCaches.started(cache), this::count);
        }
    }

    private void count() {
        Map<Tags, Double> counts = new HashMap<>();
        cache.list().forEach(run -> {
            String namespace = run.getMetadata().getNamespace();
            PHASES.forEach(phase -> counts.putIfAbsent(Tags.of("namespace", namespace, "phase", phase), 0.0));
            counts.merge(Tags.of("namespace", namespace, "phase", phaseOf(run)), 1.0, Double::sum);
        });
        runs.set(counts);
    }

    private static String phaseOf(Run run) {
        return run.getStatus() == null || run.getStatus().phase == null ? RunPhase.PENDING.statusName() : run.getStatus().phase;
    }
}
