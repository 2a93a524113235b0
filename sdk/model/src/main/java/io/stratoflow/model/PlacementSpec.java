package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a step's Pods may run. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PlacementSpec {

    @JsonPropertyDescription("Name of the ComputePool the step runs in; empty means the pool marked default.")
    public String computePool;

    @JsonPropertyDescription("Node labels the Pods require, added to the pool's, e.g. outerbounds.co/provider: azure.")
    public Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Tolerations of the Pods, added to the pool's.")
    public List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("GPU vendor whose extended resource GPUs are requested as: nvidia (nvidia.com/gpu) or amd (amd.com/gpu).")
    @io.fabric8.generator.annotation.Pattern("^(nvidia|amd)$")
    public String gpuVendor;
}
