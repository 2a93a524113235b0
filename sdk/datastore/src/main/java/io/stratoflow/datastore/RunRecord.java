package io.stratoflow.datastore;

import io.stratoflow.engine.RunPhase;

import java.util.Map;

/**
 * What the datastore keeps about a run.
 *
 * @param parameters the run's parameter values, stored as artifacts
 * @param origin     for a resumed run, the run it resumed; otherwise null
 */
public record RunRecord(String flow, String runId, String flowClass, RunPhase phase, long startedAtMillis, Long finishedAtMillis,
                        String message, Map<String, ArtifactRef> parameters, String origin, String resumeStep) {

    public RunRecord finished(RunPhase phase, String message, long at) {
        return new RunRecord(flow, runId, flowClass, phase, startedAtMillis, at, message, parameters, origin, resumeStep);
    }

    public long durationMillis(long now) {
        return (finishedAtMillis == null ? now : finishedAtMillis) - startedAtMillis;
    }
}
