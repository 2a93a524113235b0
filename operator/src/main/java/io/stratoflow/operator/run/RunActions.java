package io.stratoflow.operator.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.task.actions.TaskRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Carries out every action the engine decides for a Run, as the local runtime does: a started
 * attempt gets its Pod (created from the Run's state by {@link TaskPods#ensurePods}, under pools
 * and quotas), a killed one loses it, clones and caught failures are written to the flow's
 * datastore with the same code the local runtime uses, and the end of the run is announced.
 * Every action is idempotent, since a restarted operator may decide it again.
 */
@ApplicationScoped
public class RunActions {

    @Inject
    TaskPods taskPods;

    @Inject
    RunDatastores datastores;

    void carryOut(KubernetesClient client, Run run, FlowResourceSpec flow, List<Action> actions) {
        TaskRecords records = null;
        for (Action action : actions) {
            if (action instanceof Action.StartTask) {
                continue; // its Pod is created from the state, after the status is computed
            } else if (action instanceof Action.KillTask kill) {
                taskPods.delete(client, run, kill.task(), kill.attempt());
            } else if (action instanceof Action.CloneTask clone) {
                if (FlowGraphs.runsTaskRunner(FlowGraphs.step(flow, clone.task().step()))) {
                    records = records != null ? records : records(run, flow);
                    records.cloneTask(run.getSpec().resume.originRun, clone.task());
                }
            } else if (action instanceof Action.RecordCaughtFailure caught) {
                StepSpec step = FlowGraphs.step(flow, caught.task().step());
                if (FlowGraphs.runsTaskRunner(step)) {
                    records = records != null ? records : records(run, flow);
                    records.recordCaughtFailure(caught, step.catchVar, null);
                }
            } else if (action instanceof Action.FinishRun finish) {
                if (finish.phase() == RunPhase.SUCCEEDED) {
                    RunEvents.normal(client, run, "Succeeded", "Every task of the run succeeded");
                } else {
                    RunEvents.warning(client, run, finish.phase().statusName(), String.valueOf(finish.message()));
                }
            } else {
                throw new IllegalStateException("The operator does not carry out " + action);
            }
        }
    }

    private TaskRecords records(Run run, FlowResourceSpec flow) {
        var location = datastores.locationOf(flow).orElseThrow(() -> new IllegalStateException("Flow " + run.getSpec().flowRef.name
                + " has SDK steps but no datastore: set spec.runner.datastore or the operator's datastore (chart value datastore.root)"));
        return new TaskRecords(datastores.open(location), FlowGraphs.datastoreFlowName(flow), run.getMetadata().getName());
    }
}
