package io.stratoflow.operator.run;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.task.actions.TaskRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Carries out the engine's decision for a Run, as the local runtime does: a started attempt is remembered with the
 * inputs the engine gave it (its Pod, or its listing for the submitting machine, comes once the run is recorded), a
 * killed one loses its Pod, clones and caught failures are written to the flow's datastore with the same code the
 * local runtime uses, and the end of the run is announced. The Pods of tasks given up on (not started within the
 * grace period) are deleted, and every failed task is announced. Every action is idempotent, since a restarted
 * operator may decide it again.
 */
@ApplicationScoped
public class RunActions {

    @Inject
    RunDatastores datastores;

    void carryOut(RunPass pass, List<Action> actions, TaskObserver.Observed observed) {
        pass.startedNow(actions);
        TaskRecords records = null;
        for (Action action : actions) {
            if (action instanceof Action.StartTask) {
                continue; // taken by startedNow above
            } else if (action instanceof Action.KillTask kill) {
                deletePod(pass, kill.task(), kill.attempt());
            } else if (action instanceof Action.CloneTask clone) {
                if (FlowGraphs.runsTaskRunner(pass.step(clone.task().step()))) {
                    records = records != null ? records : records(pass);
                    records.cloneTask(pass.run().getSpec().resume.originRun, clone.task());
                }
            } else if (action instanceof Action.RecordCaughtFailure caught) {
                StepSpec step = pass.step(caught.task().step());
                if (FlowGraphs.runsTaskRunner(step)) {
                    records = records != null ? records : records(pass);
                    records.recordCaughtFailure(caught, step.catchVar, null);
                }
            } else if (action instanceof Action.FinishRun finish) {
                if (finish.phase() == RunPhase.SUCCEEDED) {
                    RunEvents.normal(pass.client(), pass.run(), RunConditionReason.SUCCEEDED.reason(), "Every task of the run succeeded");
                } else {
                    RunEvents.warning(pass.client(), pass.run(), finish.phase().statusName(), String.valueOf(finish.message()));
                }
            } else {
                throw new IllegalStateException("The operator does not carry out " + action);
            }
        }
        for (TaskObserver.Unschedulable givenUp : observed.givenUpPods()) {
            deletePod(pass, givenUp.task(), givenUp.attempt());
        }
        for (Observation observation : observed.ended()) {
            if (observation instanceof Observation.TaskFailed failed) {
                RunEvents.warning(pass.client(), pass.run(), RunConditionReason.TASK_FAILED.reason(),
                        "Task " + failed.task() + " attempt " + failed.attempt() + ": " + failed.reason());
            }
        }
    }

    private static void deletePod(RunPass pass, TaskKey task, int attempt) {
        try {
            pass.client().pods().inNamespace(pass.namespace()).withName(TaskPodNames.podName(pass.name(), task, attempt)).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private TaskRecords records(RunPass pass) {
        var location = pass.datastore(datastores).orElseThrow(() -> new IllegalStateException("Flow " + pass.run().getSpec().flowRef.name
                + " has SDK steps but no datastore: set spec.runner.datastore or the operator's datastore (chart value datastore.root)"));
        return new TaskRecords(datastores.open(location), FlowGraphs.datastoreFlowName(pass.flow()), pass.name());
    }
}
