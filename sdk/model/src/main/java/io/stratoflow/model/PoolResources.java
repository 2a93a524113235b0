package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** An amount of CPU, memory and GPUs: a quota, a capacity or a demand. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolResources {

    @JsonPropertyDescription("CPU cores as a Kubernetes quantity.")
    @Pattern(ResourceRequest.QUANTITY)
    public String cpu;

    @JsonPropertyDescription("Memory as a Kubernetes quantity.")
    @Pattern(ResourceRequest.QUANTITY)
    public String memory;

    @JsonPropertyDescription("GPUs.")
    @Min(0)
    public Integer gpu;

    @JsonPropertyDescription("Ephemeral storage as a Kubernetes quantity.")
    @Pattern(ResourceRequest.QUANTITY)
    public String ephemeralStorage;

    public PoolResources() {
    }

    public PoolResources(String cpu, String memory, Integer gpu) {
        this.cpu = cpu;
        this.memory = memory;
        this.gpu = gpu;
    }
}
