package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A run parameter a Flow declares. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ParameterSpec {

    @Required
    public String name;

    @JsonPropertyDescription("Java type of the parameter, e.g. int or java.util.List<java.lang.String>.")
    public String type;

    @JsonPropertyDescription("Default value as JSON text.")
    public String defaultValue;

    public String help;
}
