package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Resuming an earlier Run: its successful tasks before {@code step} are cloned, not run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResumeSpec {

    @JsonPropertyDescription("Name of the earlier Run of the same Flow, in this namespace.")
    @Required
    public String originRun;

    @JsonPropertyDescription("Step to rerun from, with everything after it; empty reruns only what did not succeed.")
    public String step;
}
