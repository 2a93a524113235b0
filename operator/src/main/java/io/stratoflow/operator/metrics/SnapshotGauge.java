package io.stratoflow.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.Map;

/** A gauge with one series per set of tags, whose values are replaced together; a series missing from a snapshot goes. */
final class SnapshotGauge {

    private final MultiGauge gauge;
    private volatile Map<Tags, Double> values = Map.of();

    SnapshotGauge(MeterRegistry registry, String name, String description) {
        gauge = MultiGauge.builder(name).description(description).register(registry);
    }

    void set(Map<Tags, Double> snapshot) {
        values = Map.copyOf(snapshot);
        // Series seen before keep their row (it reads the latest snapshot): not overwriting them spares a scrape that
        // comes meanwhile from finding them missing.
        gauge.register(snapshot.keySet().stream()
                .map(tags -> MultiGauge.Row.of(tags, () -> values.getOrDefault(tags, Double.NaN))).toList(), false);
    }
}
