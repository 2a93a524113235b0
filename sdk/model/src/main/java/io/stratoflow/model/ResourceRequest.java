package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What one task asks for, in Kubernetes quantities. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourceRequest {

    static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$";

    @JsonPropertyDescription("CPU cores as a Kubernetes quantity, e.g. 2 or 500m. Defaults to 1.")
    @Pattern(QUANTITY)
    @Size(max = 32)
    @ValidationRule(value = "quantity(self).isGreaterThan(quantity('0'))", message = "cpu must be positive")
    public String cpu;

    @JsonPropertyDescription("Memory as a Kubernetes quantity, e.g. 16000M or 16Gi. Defaults to 4096M.")
    @Pattern(QUANTITY)
    @Size(max = 32)
    @ValidationRule(value = "quantity(self).isGreaterThan(quantity('0'))", message = "memory must be positive")
    public String memory;

    @JsonPropertyDescription("Whole GPUs, requested as the GPU vendor's extended resource.")
    @Min(0)
    public Integer gpu;

    @JsonPropertyDescription("Ephemeral disk as a Kubernetes quantity, e.g. 10Gi.")
    @Pattern(QUANTITY)
    @Size(max = 32)
    public String disk;

    public ResourceRequest() {
    }

    public ResourceRequest(String cpu, String memory, Integer gpu, String disk) {
        this.cpu = cpu;
        this.memory = memory;
        this.gpu = gpu;
        this.disk = disk;
    }
}
