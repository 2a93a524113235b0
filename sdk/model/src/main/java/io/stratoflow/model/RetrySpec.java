package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How often a failed task runs again. */
public class RetrySpec {

    @JsonPropertyDescription("Extra attempts after the first.")
    @Min(0)
    @Max(100)
    public int times;

    @JsonPropertyDescription("Seconds to wait before each retry.")
    @Min(0)
    public long delaySeconds;

    public RetrySpec() {
    }

    public RetrySpec(int times, long delaySeconds) {
        this.times = times;
        this.delaySeconds = delaySeconds;
    }
}
