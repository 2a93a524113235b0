package io.stratoflow.operator.flow;

import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.Action;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.task.TaskSpec;

import java.util.Map;

/**
 * The description of a cluster task, whatever runs it (a Pod, or the machine that submitted a
 * mixed run): the attempt the engine started, with the inputs it decided, in the flow's datastore.
 * A step run by the task runner is named as the datastore knows its flow and carries the flow's
 * class and code package; a plain container's is named after the Flow resource and needs neither.
 */
public final class ClusterTaskSpecs {

    private ClusterTaskSpecs() {
    }

    /**
     * @param parameters the run's parameter values as JSON text (a resumed Run that sets none has its origin's)
     * @param datastore  where the flow's tasks keep artifacts and logs; null for a flow of plain containers only
     */
    public static TaskSpec of(Run run, FlowResourceSpec flow, StepSpec step, Action.StartTask start, Map<String, String> parameters,
                              DatastoreLocation datastore) {
        boolean taskRunner = FlowGraphs.runsTaskRunner(step);
        return TaskSpec.of(taskRunner ? FlowGraphs.datastoreFlowName(flow) : run.getSpec().flowRef.name,
                taskRunner ? flow.runner.flowClass : null, run.getMetadata().getName(), start.task(), start.attempt(), start.inputs(),
                parameters, datastore, taskRunner ? flow.runner.codePackage : null);
    }
}
