package io.stratoflow.operator.datastore;

import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.RunRecordWriter;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.operator.flow.FlowGraphs;

import java.util.List;
import java.util.Map;

/**
 * The datastore's record of a cluster Run of an SDK flow, the {@link RunRecord} the local runtime writes for its
 * own runs, so that the client API and the CLI read both alike: under the flow's datastore name and the Run's name
 * (where its tasks keep their records), with the flow class, the start time, the parameters stored as artifacts,
 * and for a resumed Run its origin and step, and the Run object it is (namespace, Flow, user); then its end, with the
 * engine's final state, so that the run's steps and tasks can be shown after the Run object is deleted. Every write is
 * a pure function of the Run, so a repeated one (a restart, a repeated reconcile) writes the same record; a final
 * record of the Run is never rewritten. The datastore's {@link RunRecordWriter} writes it, as it writes the record a
 * run's first task leaves when nobody recorded the run.
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
        new RunRecordWriter(datastore.runs()).started(start(run), () -> parameters(datastore, run));
    }

    /**
     * Records the end of the Run, with the record it started with if that was never written.
     *
     * @param state the engine's final state; null when the Run has none to keep
     */
    public static void finished(Datastore datastore, ClusterRun run, RunPhase phase, String message, long finishedAtMillis, RunState state) {
        new RunRecordWriter(datastore.runs()).finished(start(run), () -> parameters(datastore, run), phase, message, finishedAtMillis,
                state);
    }

    private static RunRecordWriter.RunStart start(ClusterRun run) {
        return new RunRecordWriter.RunStart(FlowGraphs.datastoreFlowName(run.flow()), run.runId(), run.flow().runner.flowClass,
                run.startedAtMillis(), run.origin(), run.resumeStep(), run.runObject());
    }

    private static Map<String, ArtifactRef> parameters(Datastore datastore, ClusterRun run) {
        return ParameterArtifacts.store(datastore, run.flow().parameters == null ? List.of() : run.flow().parameters,
                run.parameters() == null ? Map.of() : run.parameters());
    }
}
