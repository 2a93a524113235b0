package io.stratoflow.datastore;

import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes the {@link RunRecord} of a run that the local runtime did not start: the operator records a cluster Run
 * from its start to its end, and a run's first task records it when nobody did. The record's fields are put together
 * here only. Its parameters are stored by the caller, which alone knows how to type them, and only when a record is
 * written. A final record is never replaced by one of the same start.
 */
public final class RunRecordWriter {

    /**
     * What a run's record says from its start on.
     *
     * @param flow       the flow's name in the datastore
     * @param origin     for a resumed run, the run it resumes; otherwise null
     * @param resumeStep for a resumed run, the step it reruns from; null reruns what did not succeed
     * @param runObject  for a cluster Run, the Run object it is; otherwise null
     */
    public record RunStart(String flow, String runId, String flowClass, long startedAtMillis, String origin, String resumeStep,
                           RunRecord.RunObject runObject) {
    }

    private final RunStore runs;

    public RunRecordWriter(RunStore runs) {
        this.runs = runs;
    }

    /** The run's record; when it has none, the record written now, running. */
    public RunRecord recordedOrStarted(RunStart run, Supplier<Map<String, ArtifactRef>> parameters) {
        return runs.readRun(run.flow(), run.runId()).orElseGet(() -> {
            RunRecord record = running(run, parameters.get());
            runs.writeRun(record);
            return record;
        });
    }

    /** Records the run as running, unless its record says it has ended. */
    public void started(RunStart run, Supplier<Map<String, ArtifactRef>> parameters) {
        if (!hasEnded(run)) {
            runs.writeRun(running(run, parameters.get()));
        }
    }

    /**
     * Records the end of the run, with the record it started with if that was never written, unless its record says
     * it has ended.
     *
     * @param state the engine's final state, written before the record; null when there is none to keep
     */
    public void finished(RunStart run, Supplier<Map<String, ArtifactRef>> parameters, RunPhase phase, String message,
                         long finishedAtMillis, RunState state) {
        if (!phase.isFinal()) {
            throw new IllegalArgumentException("A Run finishes Succeeded, Failed or Stopped, not " + phase);
        }
        if (hasEnded(run)) {
            return;
        }
        RunRecord record = running(run, parameters.get()).finished(phase, message, finishedAtMillis);
        if (state != null) { // first: whoever reads a final record finds the state it ended with
            runs.writeState(run.flow(), run.runId(), state);
        }
        runs.writeRun(record);
    }

    /** Whether a final record of this start exists. A run deleted and started again under its id starts later. */
    private boolean hasEnded(RunStart run) {
        return runs.readRun(run.flow(), run.runId())
                .filter(r -> r.phase().isFinal() && r.startedAtMillis() == run.startedAtMillis()).isPresent();
    }

    private static RunRecord running(RunStart run, Map<String, ArtifactRef> parameters) {
        return new RunRecord(run.flow(), run.runId(), run.flowClass(), RunPhase.RUNNING, run.startedAtMillis(), null, null,
                parameters, run.origin(), run.resumeStep(), run.runObject());
    }
}
