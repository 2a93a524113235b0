package io.stratoflow.operator.web;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stratoflow.model.ComputePool;
import io.stratoflow.operator.periodic.PeriodicJob;
import io.stratoflow.operator.run.RunCache;
import io.stratoflow.view.PoolSample;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the Status view charts without Prometheus: every {@code stratoflow.web.pool-history-period}
 * (15 s by default), each pool's demand as a percentage of its capacity and its nodes online, the
 * last {@value #SAMPLES} samples per pool (one hour at 15 s), about 50 bytes each. A pool that is
 * deleted is forgotten.
 */
@ApplicationScoped
public class PoolHistory {

    private static final Logger LOG = Logger.getLogger(PoolHistory.class);
    static final int SAMPLES = 240;

    @Inject
    RunCache cache;

    @ConfigProperty(name = "stratoflow.web.pool-history-period", defaultValue = "15s")
    Duration period;

    private final Map<String, Deque<PoolSample>> samples = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stratoflow-pool-history");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(sampling(), 1000, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** What the timer runs: a sample once the pools can be read, and every period after, whatever one run threw. */
    PeriodicJob sampling() {
        return new PeriodicJob("sample the pools' demand and nodes for the Status view", cache::ready, this::sampleNow, LOG);
    }

    void sampleNow() {
        record(cache.pools(), System.currentTimeMillis());
    }

    void record(List<ComputePool> pools, long at) {
        samples.keySet().retainAll(pools.stream().map(pool -> pool.getMetadata().getName()).toList());
        for (ComputePool pool : pools) {
            Deque<PoolSample> history = samples.computeIfAbsent(pool.getMetadata().getName(), name -> new ArrayDeque<>());
            synchronized (history) {
                history.addLast(PoolDemand.sample(pool, at));
                while (history.size() > SAMPLES) {
                    history.removeFirst();
                }
            }
        }
    }

    /** A pool's samples, oldest first. */
    public List<PoolSample> of(String pool) {
        Deque<PoolSample> history = samples.get(pool);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }
}
