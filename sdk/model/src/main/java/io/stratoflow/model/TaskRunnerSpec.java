package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How SDK steps run: the flow's Java class inside a task-runner image. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TaskRunnerSpec {

    @JsonPropertyDescription("Image with a JVM and the flow's classes (or one that fetches codePackage).")
    public String image;

    @JsonPropertyDescription("Fully qualified class name of the flow.")
    public String flowClass;

    @JsonPropertyDescription("Datastore key of the flow's code package (its jar), fetched by the task runner at start.")
    public String codePackage;

    @JsonPropertyDescription("Datastore root shared by the tasks of a run, e.g. s3://bucket/stratoflow.")
    public String datastore;
}
