package io.stratoflow.operator.run;

import io.stratoflow.datastore.ArtifactSerializationException;
import io.stratoflow.datastore.DatastoreException;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.model.ResumeSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.TaskPodKeys;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.datastore.RunRecords;
import io.stratoflow.operator.status.Conditions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a Run's record in its flow's datastore (see {@link RunRecords}) in step with the Run: running once it has
 * started, then its end. Condition {@code RunRecorded} says which phase the datastore holds, so a record is written
 * once per phase, not on every pass. A datastore that cannot be written fails nothing: the condition and a warning
 * Event say why (set by {@link RunStatusAggregator} from what this returns), and a later pass writes it.
 */
@ApplicationScoped
public class RunRecorder {

    /** How soon a record the datastore refused is written again, when nothing else brings the Run back. */
    static final Duration RETRY = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(RunRecorder.class);

    /**
     * What a pass wrote to the datastore: the phase now recorded, or why it could not be.
     *
     * @param reason the phase recorded, or why not ({@link RunConditionReason#INVALID_PARAMETER} and the like)
     * @param retry  when to try again; null when a later attempt would not help
     */
    record Recording(boolean recorded, RunConditionReason reason, String message, Duration retry) {
    }

    @Inject
    RunDatastores datastores;

    /**
     * In a pass that drives the Run, before its Pods, so that its first task finds the run recorded: records it
     * running, or ended when the engine has just ended it.
     *
     * @return what was written; null when there was nothing to write
     */
    Recording record(RunPass pass) {
        RunStatus status = pass.status();
        RunState state = pass.state();
        Instant started = status.startedAt == null ? pass.now() : Instant.parse(status.startedAt);
        Instant finished = status.finishedAt == null ? pass.now() : Instant.parse(status.finishedAt);
        RunPhase phase = state.phase().isFinal() ? state.phase() : RunPhase.RUNNING;
        return write(pass, phase, state.message(), started, finished, state);
    }

    /**
     * For a Run that has ended: records its end if no pass could (the datastore was unavailable, or the Run ended
     * under an operator that wrote no records). A Run refused before it started has no record.
     */
    Recording recordEnded(RunPass pass) {
        RunStatus status = pass.status();
        RunState state = pass.recordedState();
        if (state == null || status.startedAt == null) {
            return null;
        }
        Instant finished = status.finishedAt == null ? pass.now() : Instant.parse(status.finishedAt);
        return write(pass, RunPhase.ofStatusName(status.phase).orElseThrow(), status.message, Instant.parse(status.startedAt), finished,
                state);
    }

    private Recording write(RunPass pass, RunPhase phase, String message, Instant started, Instant finished, RunState state) {
        Run run = pass.run();
        Optional<DatastoreLocation> location = RunRecords.recorded(pass.flow()) ? pass.datastore(datastores) : Optional.empty();
        String recordedPhase = phase.statusName();
        if (location.isEmpty() || Conditions.find(pass.status().conditions, RunConditionType.RUN_RECORDED.type())
                .filter(c -> "True".equals(c.getStatus()) && recordedPhase.equals(c.getReason())).isPresent()) {
            return null;
        }
        ResumeSpec resume = run.getSpec().resume;
        RunRecords.ClusterRun record = new RunRecords.ClusterRun(pass.flow(), pass.name(), pass.parameters(),
                resume == null ? null : resume.originRun, resume == null || resume.step == null || resume.step.isBlank() ? null : resume.step,
                started.toEpochMilli(), runObject(run));
        try {
            var datastore = datastores.open(location.get());
            if (phase.isFinal()) {
                RunRecords.finished(datastore, record, phase, message, finished.toEpochMilli(), state);
            } else {
                RunRecords.started(datastore, record);
            }
            return new Recording(true, RunConditionReason.of(phase), "The datastore at " + location.get().root()
                    + " records the run as " + recordedPhase, null);
        } catch (IllegalArgumentException | ArtifactSerializationException invalid) {
            // A parameter value its type cannot read: its tasks will say so too; writing again would not help.
            return new Recording(false, RunConditionReason.INVALID_PARAMETER, "The run cannot be recorded in the datastore: "
                    + invalid.getMessage(), null);
        } catch (DatastoreException e) {
            return new Recording(false, RunConditionReason.DATASTORE_UNAVAILABLE, "The run cannot be recorded as " + recordedPhase
                    + ", and is retried: " + e.getMessage(), RETRY);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Run %s/%s cannot be recorded", pass.namespace(), pass.name());
            return new Recording(false, RunConditionReason.RECORD_FAILED, "The run cannot be recorded as " + recordedPhase
                    + " in the datastore at " + location.get().root() + ", and is retried: " + e, RETRY);
        }
    }

    private static RunRecord.RunObject runObject(Run run) {
        var labels = run.getMetadata().getLabels();
        return new RunRecord.RunObject(run.getMetadata().getNamespace(), run.getSpec().flowRef.name,
                labels == null ? null : labels.get(TaskPodKeys.USER_LABEL));
    }
}
