package io.stratoflow.e2e.flows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Step;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Artifacts of many declared types: records, maps, big decimals, byte arrays, dates, nulls. */
public class TypedArtifactsFlow extends FlowSpec {

    public record Measurement(String sensor, double value, List<String> tags) {
    }

    @Parameter(help = "Scale of the generated values")
    int scale = 3;

    Measurement measurement;
    Map<String, List<Integer>> histogram;
    BigDecimal price;
    byte[] payload;
    LocalDate day;
    String nothing;
    Measurement doubled;

    @Step(next = "end")
    public void start() {
        measurement = new Measurement("t-" + scale, 21.5 * scale, List.of("a", "b"));
        histogram = new TreeMap<>(Map.of("low", List.of(1, 2, scale), "high", List.of(scale * 10)));
        price = new BigDecimal("12345678901234567890.123456789").multiply(BigDecimal.valueOf(scale));
        payload = new byte[4096 * scale];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + scale);
        }
        day = LocalDate.of(2026, 11, 30).plusDays(scale);
        nothing = null;
    }

    @Step
    public void end() {
        doubled = new Measurement(measurement.sensor(), measurement.value() * 2, measurement.tags());
        System.out.println("price " + price + ", " + payload.length + " bytes, " + histogram);
    }
}
