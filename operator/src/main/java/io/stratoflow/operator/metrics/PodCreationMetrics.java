package io.stratoflow.operator.metrics;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long the API server takes to create a task Pod, by namespace and outcome, and the creations it refused, by HTTP
 * status code. The wait for the creation rate limit is not part of it: that is the operator's choice, not latency.
 */
@ApplicationScoped
public class PodCreationMetrics {

    static final String LATENCY = "stratoflow.pod.creation";
    static final String ERRORS = "stratoflow.pod.creation.errors";

    /** Histogram buckets, as Prometheus's defaults go, up to the 30 s beyond which a creation has surely gone wrong. */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;

    @Inject
    public PodCreationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Runs {@code create} and times it. A Pod that exists already (409) is not an error: task Pod names are
     * deterministic, and an operator that restarted creates again what it had created.
     */
    public void timed(String namespace, Runnable create) {
        long start = System.nanoTime();
        String outcome = "failed";
        try {
            create.run();
            outcome = "created";
        } catch (RuntimeException e) {
            int code = e instanceof KubernetesClientException k ? k.getCode() : 0;
            if (code == 409) {
                outcome = "exists";
            } else {
                Counter.builder(ERRORS).description("Task Pod creations that failed, by HTTP status code (0: no answer)")
                        .tags("namespace", namespace, "code", String.valueOf(code)).register(registry).increment();
            }
            throw e;
        } finally {
            Timer.builder(LATENCY).description("Time the API server took to answer a task Pod creation")
                    .tags("namespace", namespace, "outcome", outcome).serviceLevelObjectives(BUCKETS)
                    .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
