package io.stratoflow.datastore;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.stratoflow.engine.RunPhase;

import java.util.Map;

/**
 * What the datastore keeps about a run.
 *
 * @param parameters the run's parameter values, stored as artifacts
 * @param origin     for a resumed run, the run it resumed; otherwise null
 * @param runObject  for a run of the cluster, the Run object it was; null for a laptop's run
 */
public record RunRecord(String flow, String runId, String flowClass, RunPhase phase, long startedAtMillis, Long finishedAtMillis,
                        String message, Map<String, ArtifactRef> parameters, String origin, String resumeStep,
                        @JsonInclude(JsonInclude.Include.NON_NULL) RunObject runObject) {

    /**
     * The Run object of a cluster run, so that its record can be told apart from a laptop's and shown in its
     * namespace once the object is deleted: the datastore's keys name neither the namespace nor the Flow object.
     *
     * @param flow the name of the Flow object the Run referred to (the datastore knows the flow by its own name)
     * @param user who submitted the Run, from its user label; null when it has none
     */
    public record RunObject(String namespace, String flow, String user) {
    }

    @JsonCreator
    public RunRecord {
    }

    /** The record of a run that no Run object stands for: a laptop's. */
    public RunRecord(String flow, String runId, String flowClass, RunPhase phase, long startedAtMillis, Long finishedAtMillis,
                     String message, Map<String, ArtifactRef> parameters, String origin, String resumeStep) {
        this(flow, runId, flowClass, phase, startedAtMillis, finishedAtMillis, message, parameters, origin, resumeStep, null);
    }

    public RunRecord finished(RunPhase phase, String message, long at) {
        return new RunRecord(flow, runId, flowClass, phase, startedAtMillis, at, message, parameters, origin, resumeStep, runObject);
    }

    public long durationMillis(long now) {
        return (finishedAtMillis == null ? now : finishedAtMillis) - startedAtMillis;
    }
}
