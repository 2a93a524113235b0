package io.stratoflow.operator.datastore;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.operator.flow.FlowGraphs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The datastore's record of a cluster Run of an SDK flow, the {@link RunRecord} the local runtime writes for its
 * own runs, so that the client API and the CLI read both alike: under the flow's datastore name and the Run's name
 * (where its tasks keep their records), with the flow class, the start time, the parameters stored as artifacts,
 * and for a resumed Run its origin and step, and the Run object it is (namespace, Flow, user); then its end, with the
 * engine's final state, so that the run's steps and tasks can be shown after the Run object is deleted. Every write is
 * a pure function of the Run, so a repeated one (a restart, a repeated reconcile) writes the same record; a final
 * record of the Run is never rewritten.
 */
public final class RunRecords {

    /**
     * What the record says of a Run.
     *
     * @param runId      the Run's name: the run id its tasks are given
     * @param parameters the Run's parameter values as JSON text (a resumed Run that sets none has its origin's)
     * @param origin     for a resumed Run, the name of the Run it resumes; otherwise null
     * @param resumeStep for a resumed Run, the step it reruns from; null reruns what did not succeed
     * @param runObject  the Run's namespace, Flow object and user
     */
    public record ClusterRun(FlowResourceSpec flow, String runId, Map<String, String> parameters, String origin, String resumeStep,
                             long startedAtMillis, RunRecord.RunObject runObject) {
    }

    private RunRecords() {
    }

    /** Whether the Flow's Runs have a record: it has Java steps, which run through the task runner. */
    public static boolean recorded(FlowResourceSpec flow) {
        return flow != null && flow.runner != null && flow.runner.flowClass != null && !flow.runner.flowClass.isBlank()
                && FlowGraphs.hasTaskRunnerSteps(flow);
    }

    /** Records the Run as running. */
    public static void started(Datastore datastore, ClusterRun run) {
        write(datastore, run, null, null, 0, null);
    }

    /**
     * Records the end of the Run, with the record it started with if that was never written.
     *
     * @param state the engine's final state; null when the Run has none to keep
     */
    public static void finished(Datastore datastore, ClusterRun run, RunPhase phase, String message, long finishedAtMillis, RunState state) {
        if (!phase.isFinal()) {
            throw new IllegalArgumentException("A Run finishes Succeeded, Failed or Stopped, not " + phase);
        }
        write(datastore, run, phase, message, finishedAtMillis, state);
    }

    private static void write(Datastore datastore, ClusterRun run, RunPhase phase, String message, long finishedAtMillis, RunState state) {
        String flowName = FlowGraphs.datastoreFlowName(run.flow());
        Optional<RunRecord> existing = datastore.runs().readRun(flowName, run.runId());
        // A Run deleted and created again under its name starts later: its record replaces the old Run's.
        if (existing.filter(r -> r.phase().isFinal() && r.startedAtMillis() == run.startedAtMillis()).isPresent()) {
            return;
        }
        var parameters = ParameterArtifacts.store(datastore, run.flow().parameters == null ? List.of() : run.flow().parameters,
                run.parameters() == null ? Map.of() : run.parameters());
        RunRecord record = new RunRecord(flowName, run.runId(), run.flow().runner.flowClass, RunPhase.RUNNING, run.startedAtMillis(),
                null, null, parameters, run.origin(), run.resumeStep(), run.runObject());
        if (state != null) { // before the final record: whoever reads a final record finds the state it ended with
            datastore.runs().writeState(flowName, run.runId(), state);
        }
        datastore.runs().writeRun(phase == null ? record : record.finished(phase, message, finishedAtMillis));
    }
}
