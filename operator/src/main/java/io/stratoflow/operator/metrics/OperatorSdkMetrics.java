package io.stratoflow.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Java Operator SDK's own meters: reconciliation time, reconciliations queued and running, events, failures; per
 * controller and resource kind. Replaces the extension's default, which also tags them with each resource's name: one
 * set of series per Run, without bound.
 */
@Singleton
public class OperatorSdkMetrics {

    @Produces
    @Singleton
    Metrics perResourceKind(MeterRegistry registry) {
        return MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();
    }
}
