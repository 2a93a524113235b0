package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.EnvVar;

import java.util.ArrayList;
import java.util.List;

/** A step that runs a plain container: any image, any language. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ContainerSpec {

    @JsonPropertyDescription("Container image. Defaults to the operator's task-runner image.")
    public String image;

    @JsonPropertyDescription("Entrypoint, e.g. [sh, -c]. A foreach step reports its number of splits by writing "
            + "{\"splits\": N} to /dev/termination-log.")
    public List<String> command = new ArrayList<>();

    @JsonPropertyDescription("Arguments to the entrypoint.")
    public List<String> args = new ArrayList<>();

    @JsonPropertyDescription("Environment variables of the container.")
    public List<EnvVar> env = new ArrayList<>();
}
