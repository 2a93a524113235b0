package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

/** One step of a Flow: where it leads, what it runs and needs, and how failures are treated. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class StepSpec {

    @JsonPropertyDescription("Step name, unique in the flow; the flow starts at 'start' and ends at 'end'.")
    @Required
    @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
    @Size(max = 63)
    public String name;

    @JsonPropertyDescription("Steps that run after this one; several make a static branch. Empty only for 'end'.")
    @Size(max = 8)
    public List<String> next = new ArrayList<>();

    @JsonPropertyDescription("Fan the single next step out over this artifact (a list): one task per element.")
    public String foreach;

    @JsonPropertyDescription("Whether the step is a join: it receives the results of the branches that meet here.")
    public boolean join;

    @JsonPropertyDescription("A plain container to run. Without it, the step runs through the flow's SDK task runner.")
    public ContainerSpec container;

    @JsonPropertyDescription("What one task of the step requests; limits are set to the same values.")
    public ResourceRequest resources;

    @JsonPropertyDescription("Where the step's Pods run.")
    public PlacementSpec placement;

    @JsonPropertyDescription("Retries of a failed task.")
    public RetrySpec retry;

    @JsonPropertyDescription("Seconds a task may run before it fails (the Pod's activeDeadlineSeconds).")
    @Min(1)
    public Long timeoutSeconds;

    @JsonPropertyDescription("Labels and annotations added to the step's Pods.")
    public PodMetadata podMetadata;

    @JsonPropertyDescription("Run by the CLI that submitted the Run, on its own machine (a step without @Kubernetes in a mixed run): "
            + "the operator creates no Pod for it, lists its tasks in status.externalTasks and takes their outcome from the datastore.")
    public Boolean external;

    @JsonPropertyDescription("Let the run go on when the step fails after its retries (@Catch).")
    public boolean catchFailure;

    @JsonPropertyDescription("With catchFailure: the artifact that receives the failure (@Catch(var)); empty for none.")
    @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
    public String catchVar;
}
