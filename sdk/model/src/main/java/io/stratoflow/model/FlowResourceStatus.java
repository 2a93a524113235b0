package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowResourceStatus {

    @JsonPropertyDescription("The generation of the spec this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Number of steps.")
    public Integer steps;

    @JsonPropertyDescription("Condition Valid: whether the graph is valid, and if not, which step is wrong and why. Reconciled: False with the reason while the operator fails to reconcile the Flow.")
    public List<Condition> conditions = new ArrayList<>();
}
