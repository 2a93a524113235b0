package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and annotations added to a step's Pods (Stratoflow's own labels take precedence). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PodMetadata {

    @JsonPropertyDescription("Labels of the step's Pods, e.g. for cost allocation.")
    public Map<String, String> labels = new LinkedHashMap<>();

    @JsonPropertyDescription("Annotations of the step's Pods.")
    public Map<String, String> annotations = new LinkedHashMap<>();
}
