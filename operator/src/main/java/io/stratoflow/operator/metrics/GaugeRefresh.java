package io.stratoflow.operator.metrics;

import io.stratoflow.operator.periodic.PeriodicJob;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Recomputes the gauges read from the operator's caches every few seconds, on one thread of its own. Not at scrape time:
 * a gauge reads one value, and the Runs and ComputePools whose series must appear and go are only known by listing them.
 */
@ApplicationScoped
class GaugeRefresh {

    private static final Logger LOG = Logger.getLogger(GaugeRefresh.class);

    /** As often as a ComputePool recounts its status. */
    static final Duration EVERY = Duration.ofSeconds(5);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "stratoflow-metrics");
        thread.setDaemon(true);
        return thread;
    });

    /** Runs {@code refresh} every {@link #EVERY} once what it reads is {@code ready}, whatever one run throws. */
    void every(String what, BooleanSupplier ready, Runnable refresh) {
        PeriodicJob job = new PeriodicJob("refresh the metrics of " + what, ready, refresh, LOG);
        timer.scheduleWithFixedDelay(job, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
