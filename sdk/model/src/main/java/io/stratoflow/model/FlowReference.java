package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowReference {

    @JsonPropertyDescription("Name of the Flow, in the Run's namespace.")
    @Required
    public String name;

    @JsonPropertyDescription("Must be empty or the Run's own namespace: a Run only uses Flows of its namespace.")
    public String namespace;

    public FlowReference() {
    }

    public FlowReference(String name) {
        this.name = name;
    }
}
