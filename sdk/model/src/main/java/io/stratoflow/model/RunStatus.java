package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Run's progress. Its size does not grow with the fan-out: finished foreach splits are kept
 * as index ranges, per-task detail lives in the Pods and the datastore.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunStatus {

    @JsonPropertyDescription("The generation of the spec this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Pending, Running, Succeeded, Failed or Stopped.")
    public String phase;

    @JsonPropertyDescription("Why the Run failed or stopped, or what it waits for.")
    public String message;

    @JsonPropertyDescription("Tasks finished / tasks known, e.g. 103/1003.")
    public String progress;

    public String startedAt;

    public String finishedAt;

    @JsonPropertyDescription("The Flow's spec as it was when the Run started; later edits of the Flow do not change the Run.")
    public FlowResourceSpec pinnedFlow;

    @JsonPropertyDescription("Per step: tasks done, running and known.")
    public Map<String, StepProgress> steps = new LinkedHashMap<>();

    @JsonPropertyDescription("The engine's state: per step and foreach split, ready and finished index ranges; running attempts.")
    @PreserveUnknownFields
    public JsonNode engine;

    @JsonPropertyDescription("Tasks of external steps the submitting CLI is to run now, each with its task description.")
    public List<ExternalTask> externalTasks = new ArrayList<>();

    @JsonPropertyDescription("Conditions: FlowFound (False while the Flow is missing), Running, Succeeded, PodsCreated (False with the API server's refusal), Unschedulable and ContainersNotStarting (True while task Pods wait, with the first one's reason), WaitingForNodes (True while task Pods wait for an autoscaler to add nodes to their pool), RunRecorded (the record in the datastore), Reconciled (False with the reason while the operator's reconciliations of the Run fail, True again once one succeeds). A Run has no Ready condition: Running and Succeeded say where it is.")
    public List<Condition> conditions = new ArrayList<>();
}
