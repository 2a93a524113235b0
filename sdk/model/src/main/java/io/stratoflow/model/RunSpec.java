package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

import java.util.LinkedHashMap;
import java.util.Map;

/** One execution of a Flow. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RunSpec {

    @JsonPropertyDescription("The Flow to run. The Run keeps the Flow's spec as it was when the Run started.")
    @Required
    public FlowReference flowRef;

    @JsonPropertyDescription("Parameter values by name, as JSON text (a plain string needs no quotes).")
    public Map<String, String> parameters = new LinkedHashMap<>();

    @JsonPropertyDescription("Resources every step gets at least, like --with kubernetes:cpu=4,memory=16000: "
            + "raises what a step declares, never lowers it.")
    public ResourceRequest overrides;

    @JsonPropertyDescription("How many tasks (Pods) of this Run may run at once (--max-workers).")
    @Default("16")
    @Min(1)
    @Max(10000)
    public Integer maxWorkers = 16;

    @JsonPropertyDescription("Largest number of splits a foreach may produce; more fails the Run (--max-num-splits).")
    @Default("100")
    @Min(1)
    @Max(1000000)
    public Integer maxNumSplits = 100;

    @JsonPropertyDescription("Resume an earlier Run instead of starting from scratch.")
    public ResumeSpec resume;

    @JsonPropertyDescription("Set to true to stop the Run: running tasks are killed and the Run ends Stopped.")
    public boolean stop;
}
