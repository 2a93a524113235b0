package io.stratoflow.operator.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.stratoflow.datastore.ArtifactSerializationException;
import io.stratoflow.datastore.DatastoreException;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.model.FlowResourceSpec;
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
 * started, then its end. The condition {@value #CONDITION} says which phase the datastore holds, so a record is
 * written once per phase, not on every pass. A datastore that cannot be written fails nothing: the condition and a
 * warning Event say why, and a later pass writes it.
 */
@ApplicationScoped
public class RunRecorder {

    static final String CONDITION = "RunRecorded";
    /** How soon a record the datastore refused is written again, when nothing else brings the Run back. */
    static final Duration RETRY = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(RunRecorder.class);

    @Inject
    RunDatastores datastores;

    /**
     * In a pass that drives the Run, before its Pods: records it running, or ended when the engine has just ended it.
     *
     * @return when to try again, or null when there is nothing to retry
     */
    Duration record(KubernetesClient client, Run run, Context<Run> context, RunState state, long generation, Instant now) {
        RunStatus status = run.getStatus();
        Instant started = status.startedAt == null ? now : Instant.parse(status.startedAt);
        Instant finished = status.finishedAt == null ? now : Instant.parse(status.finishedAt);
        RunPhase phase = state.phase().isFinal() ? state.phase() : RunPhase.RUNNING;
        return write(client, run, context, phase, state.message(), started, finished, state, generation, now);
    }

    /**
     * For a Run that has ended: records its end if no pass could (the datastore was unavailable, or the Run ended
     * under an operator that wrote no records). A Run refused before it started has no record.
     */
    Duration recordEnded(KubernetesClient client, Run run, Context<Run> context, long generation, Instant now) {
        RunStatus status = run.getStatus();
        if (status.engine == null || status.engine.isNull() || status.startedAt == null) {
            return null;
        }
        Instant finished = status.finishedAt == null ? now : Instant.parse(status.finishedAt);
        return write(client, run, context, RunPhase.ofStatusName(status.phase).orElseThrow(), status.message,
                Instant.parse(status.startedAt), finished, RunStatusBuilder.stateOf(status), generation, now);
    }

    private Duration write(KubernetesClient client, Run run, Context<Run> context, RunPhase phase, String message, Instant started,
                           Instant finished, RunState state, long generation, Instant now) {
        RunStatus status = run.getStatus();
        FlowResourceSpec flow = status.pinnedFlow;
        Optional<DatastoreLocation> location = RunRecords.recorded(flow) ? datastores.locationOf(flow) : Optional.empty();
        String recordedPhase = phase.statusName();
        if (location.isEmpty() || Conditions.find(status.conditions, CONDITION)
                .filter(c -> "True".equals(c.getStatus()) && recordedPhase.equals(c.getReason())).isPresent()) {
            return null;
        }
        ResumeSpec resume = run.getSpec().resume;
        RunRecords.ClusterRun record = new RunRecords.ClusterRun(flow, run.getMetadata().getName(), RunParameters.of(run, context),
                resume == null ? null : resume.originRun, resume == null || resume.step == null || resume.step.isBlank() ? null : resume.step,
                started.toEpochMilli(), runObject(run));
        try {
            var datastore = datastores.open(location.get());
            if (phase.isFinal()) {
                RunRecords.finished(datastore, record, phase, message, finished.toEpochMilli(), state);
            } else {
                RunRecords.started(datastore, record);
            }
            Conditions.set(status.conditions, CONDITION, true, recordedPhase, "The datastore at " + location.get().root()
                    + " records the run as " + recordedPhase, generation, now);
            return null;
        } catch (IllegalArgumentException | ArtifactSerializationException invalid) {
            // A parameter value its type cannot read: its tasks will say so too; writing again would not help.
            report(client, run, "InvalidParameter", "The run cannot be recorded in the datastore: " + invalid.getMessage(), generation, now);
            return null;
        } catch (DatastoreException e) {
            report(client, run, "DatastoreUnavailable", "The run cannot be recorded as " + recordedPhase + ", and is retried: "
                    + e.getMessage(), generation, now);
            return RETRY;
        } catch (RuntimeException e) {
            LOG.warnf(e, "Run %s/%s cannot be recorded", run.getMetadata().getNamespace(), run.getMetadata().getName());
            report(client, run, "RecordFailed", "The run cannot be recorded as " + recordedPhase + " in the datastore at "
                    + location.get().root() + ", and is retried: " + e, generation, now);
            return RETRY;
        }
    }

    private static RunRecord.RunObject runObject(Run run) {
        var labels = run.getMetadata().getLabels();
        return new RunRecord.RunObject(run.getMetadata().getNamespace(), run.getSpec().flowRef.name,
                labels == null ? null : labels.get(TaskPodKeys.USER_LABEL));
    }

    private static void report(KubernetesClient client, Run run, String reason, String message, long generation, Instant now) {
        RunStatus status = run.getStatus();
        boolean isNew = Conditions.find(status.conditions, CONDITION)
                .map(c -> "True".equals(c.getStatus()) || !message.equals(c.getMessage())).orElse(true);
        Conditions.set(status.conditions, CONDITION, false, reason, message, generation, now);
        if (isNew) {
            RunEvents.warning(client, run, reason, message);
        }
    }
}
