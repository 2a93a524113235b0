package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How SDK steps run: the flow's Java class inside a task-runner image. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TaskRunnerSpec {

    @JsonPropertyDescription("Image with a Java runtime and the Stratoflow task runner; empty for the operator's default. "
            + "The flow's own classes come from codePackage, so no image is built per flow.")
    public String image;

    @JsonPropertyDescription("Fully qualified class name of the flow.")
    public String flowClass;

    @JsonPropertyDescription("The flow's name in the datastore (its class's simple name), under which runs and artifacts are kept.")
    public String flowName;

    @JsonPropertyDescription("Id of the code package (the flow's classes and the jars they need, stored content-addressed in the "
            + "datastore) that the task runner fetches before a step starts.")
    public String codePackage;

    @JsonPropertyDescription("Datastore root shared by the tasks of a run, e.g. s3://bucket/stratoflow; empty for the operator's default.")
    public String datastore;
}
