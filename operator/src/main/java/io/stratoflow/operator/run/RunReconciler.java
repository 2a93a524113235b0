package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stratoflow.datastore.Json;
import io.stratoflow.engine.Decision;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ExternalTask;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.operator.config.OperatorSettings;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.metrics.RunGauges;
import io.stratoflow.operator.metrics.TaskMetrics;
import io.stratoflow.operator.pods.PrunedPodStore;
import io.stratoflow.operator.pods.TaskPodCache;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pools.PoolLedger;
import io.stratoflow.operator.pools.PoolQueue;
import io.stratoflow.operator.status.ReconcileFailures;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Drives a Run, one pass at a time, in this order: open the pass ({@link RunPass}: what it knows, read once), check
 * what a starting Run needs ({@link RunStarter}), observe the Pods ({@link TaskObserver}) and the external tasks'
 * records ({@link ExternalTaskOutcomes}), let the engine decide, carry out its decision ({@link RunActions}), record
 * the run in the datastore ({@link RunRecorder}), create the Pods of started tasks ({@link TaskPodCreator}) and list
 * the external ones ({@link ExternalTasks}), aggregate the status ({@link RunStatusAggregator}), write it once
 * ({@link RunStatusWriter}), delete the Pods whose results it now records ({@link SucceededPodCleanup}), and say when
 * to look again ({@link NextLook}). A pass that throws ends in {@link #updateErrorStatus} as condition
 * {@code Reconciled} False. Level-triggered: everything a pass needs is in the Run, its pinned Flow and its Pods, so
 * an operator restart at any moment loses nothing.
 */
@ControllerConfiguration(name = "run")
public class RunReconciler implements Reconciler<Run> {

    private static final Logger LOG = Logger.getLogger(RunReconciler.class);

    static final Duration FLOW_RECHECK = Duration.ofSeconds(5);

    @Inject
    OperatorSettings settings;

    @Inject
    PoolQueue poolQueue;

    @Inject
    PoolLedger ledger;

    @Inject
    TaskPodCache taskPodCache;

    @Inject
    RunDatastores datastores;

    @Inject
    ExternalTaskOutcomes externalTaskOutcomes;

    @Inject
    RunActions runActions;

    @Inject
    RunRecorder runRecorder;

    @Inject
    TaskPodCreator podCreator;

    @Inject
    ExternalTasks externalTasks;

    @Inject
    SucceededPodCleanup podCleanup;

    @Inject
    RunCache runCache;

    @Inject
    TaskMetrics taskMetrics;

    @Inject
    RunGauges runGauges;

    private final ReconcilePacer pacer = new ReconcilePacer();
    private final ReconcileFailures failures = new ReconcileFailures();

    @Override
    public List<EventSource<?, Run>> prepareEventSources(EventSourceContext<Run> context) {
        InformerEventSource<Pod, Run> pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, Run.class).withLabelSelector(TaskPodNames.RUN_LABEL)
                        .withItemStore(new PrunedPodStore()).withOnAddFilter(TaskPodEvents::added)
                        .withOnUpdateFilter(TaskPodEvents::updated).withOnDeleteFilter(TaskPodEvents::deleted).build(), context);
        taskPodCache.use(pods);
        runGauges.countFrom(context.getPrimaryCache());
        // ComputePools are read from the cache; a pool's change does not trigger Runs by itself
        InformerEventSource<ComputePool, Run> pools = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ComputePool.class, Run.class)
                        .withSecondaryToPrimaryMapper(pool -> Set.of()).build(), context);
        runCache.use(context.getPrimaryCache(), pools);
        return List.of(pods, pools);
    }

    @Override
    public UpdateControl<Run> reconcile(Run run, Context<Run> context) {
        RunPass pass = RunPass.open(run, context, Instant.now());
        Duration next = RunPhase.isFinalStatus(pass.status().phase) ? tidyEnded(pass) : drive(pass);
        failures.succeeded(pass.id());
        return next == null ? UpdateControl.noUpdate() : UpdateControl.<Run>noUpdate().rescheduleAfter(next);
    }

    /** A Run that has ended: its record in the datastore completed, its recorded Pods deleted, nothing remembered of it. */
    private Duration tidyEnded(RunPass pass) {
        poolQueue.forget(pass.queueKey());
        ledger.retainOwnersThat(key -> !key.equals(pass.queueKey()));
        podCreator.forget(pass);
        pacer.forget(pass.id());
        failures.forget(pass.id());
        RunRecorder.Recording recording = runRecorder.recordEnded(pass);
        RunStatusAggregator.ended(pass, recording);
        RunStatusWriter.write(pass);
        podCleanup.deleteRecorded(pass);
        return recording == null ? null : recording.retry();
    }

    /** A pass that drives a Run that has not ended; returns when to look again, or null for at the next event. */
    private Duration drive(RunPass pass) {
        Duration pause = pacer.pauseBefore(pass.id(), pass.now());
        if (!pause.isZero() && !pass.run().getSpec().stop && !pass.specChanged()) {
            return pause;
        }
        if (pass.flow() == null) {
            RunStarter.Start start = RunStarter.check(pass.client(), pass.run(), pass.pools(), datastores);
            if (start.flow() == null) {
                return refuse(pass, start);
            }
            pass.startOn(start.flow());
        }
        try {
            pass.engine();
        } catch (IllegalArgumentException e) {
            return refuse(pass, RunStarter.Start.refused(RunConditionReason.RESUME_ORIGIN_INVALID, e.getMessage()));
        }

        TaskObserver.Observed observed = TaskObserver.observe(pass, settings.unschedulableGracePeriod());
        List<Observation> observations = new ArrayList<>(observed.observations());
        observations.addAll(externalTaskOutcomes.observe(pass));
        if (pass.run().getSpec().stop) {
            observations.add(new Observation.StopRequested("Stopped: spec.stop is true"));
        }
        Decision decision = pass.engine().decide(pass.state(), observations, pass.now().toEpochMilli());

        runActions.carryOut(pass, decision.actions(), observed);
        // a Run deleted while it waited for quota must not hold its pools' line nor their quota
        Predicate<PoolQueue.RunKey> cached = key -> pass.context().getPrimaryCache().get(new ResourceID(key.name(), key.namespace())).isPresent();
        poolQueue.retainExisting(cached);
        ledger.retainOwnersThat(cached);
        RunRecorder.Recording recording = runRecorder.record(pass);
        TaskPodCreator.Created created = podCreator.createMissing(pass);
        List<ExternalTask> external = externalTasks.running(pass);

        RunStatusAggregator.driven(pass, observed, recording, created, external);
        RunStatusWriter.write(pass);
        podCleanup.deleteRecorded(pass);

        taskMetrics.counted(pass.run(), observations, decision.actions());
        pacer.looked(pass.id(), pass.now(), pass.pods().size(), created.moreToCreate());
        return NextLook.after(pass, decision, observed, created, recording);
    }

    private Duration refuse(RunPass pass, RunStarter.Start start) {
        if (start.waitForFlow()) {
            RunStatusAggregator.waitingForFlow(pass, start);
            RunStatusWriter.write(pass);
            return FLOW_RECHECK;
        }
        RunStatusAggregator.refused(pass, start.reason(), start.refusal());
        RunStatusWriter.write(pass);
        return null;
    }

    /**
     * A pass that threw: condition {@code Reconciled} False says why, an Event too, and the Run is looked at again after
     * a growing pause. Only the condition changes, on a copy of the Run as the cache holds it: what the failed pass did
     * to the status in memory is not the Run's state, and the SDK's patch carries only the difference. Losing nothing
     * does not depend on this write: the next pass decides everything again from the Pods and the status.
     */
    @Override
    public ErrorStatusUpdateControl<Run> updateErrorStatus(Run run, Context<Run> context, Exception e) {
        ResourceID id = ResourceID.fromResource(run);
        Run asCached = context.getPrimaryCache().get(id).map(cached -> Json.METADATA.convertValue(cached, Run.class)).orElse(null);
        if (asCached == null) {
            return ErrorStatusUpdateControl.<Run>noStatusUpdate().withNoRetry(); // deleted meanwhile: nothing to record it on
        }
        if (asCached.getStatus() == null) {
            asCached.setStatus(new RunStatus());
        }
        ReconcileFailures.Failure failure = failures.recordFailure(asCached, asCached.getStatus().conditions, e);
        LOG.warnf(e, "Run %s/%s: %s", id.getNamespace().orElse(""), id.getName(), failure.message());
        if (failure.reason().equals("Conflict")) {
            return ErrorStatusUpdateControl.<Run>noStatusUpdate().withNoRetry().rescheduleAfter(failure.retryAfter());
        }
        RunEvents.warning(context.getClient(), run, failure.reason(), failure.message());
        return ErrorStatusUpdateControl.patchStatus(asCached).withNoRetry().rescheduleAfter(failure.retryAfter());
    }
}
