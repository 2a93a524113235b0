package io.stratoflow.operator.flow;

import io.stratoflow.engine.StepPolicy;
import io.stratoflow.graph.ArtifactTypes;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.graph.GraphProblem;
import io.stratoflow.graph.GraphValidator;
import io.stratoflow.graph.StepNode;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.StepSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a Flow resource's steps the way the SDK reads a flow class, so both are judged by the same validator. */
public final class FlowGraphs {

    private FlowGraphs() {
    }

    public static List<StepNode> nodes(FlowResourceSpec spec) {
        return spec.steps.stream()
                .map(s -> new StepNode(s.name, s.next == null ? List.of() : s.next, s.foreach, s.join, null))
                .toList();
    }

    /** Problems of the graph; the fields behind foreach are not known to the cluster, so any is accepted. */
    public static List<GraphProblem> validate(FlowResourceSpec spec) {
        return new GraphValidator().validate(nodes(spec), ArtifactTypes.UNKNOWN);
    }

    public static FlowGraph graph(String flowName, FlowResourceSpec spec) {
        return FlowGraph.of(flowName, nodes(spec), ArtifactTypes.UNKNOWN);
    }

    public static Map<String, StepPolicy> policies(FlowResourceSpec spec) {
        Map<String, StepPolicy> policies = new LinkedHashMap<>();
        for (StepSpec step : spec.steps) {
            int retries = step.retry == null ? 0 : step.retry.times;
            long delay = step.retry == null ? 0 : step.retry.delaySeconds * 1000;
            long timeout = step.timeoutSeconds == null ? 0 : step.timeoutSeconds * 1000;
            policies.put(step.name, new StepPolicy(retries, delay, timeout, step.catchFailure));
        }
        return policies;
    }

    public static StepSpec step(FlowResourceSpec spec, String name) {
        return spec.steps.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + name));
    }

    /** Whether the step runs through the SDK's task runner, not as a plain container of its own. */
    public static boolean runsTaskRunner(StepSpec step) {
        return step.container == null || step.container.command.isEmpty() && step.container.image == null;
    }

    /** Whether any step of the flow runs through the SDK's task runner. */
    public static boolean hasTaskRunnerSteps(FlowResourceSpec spec) {
        return spec.steps.stream().anyMatch(FlowGraphs::runsTaskRunner);
    }

    /** The flow's name in the datastore: what the SDK exported, or the simple name of its class for older Flows. */
    public static String datastoreFlowName(FlowResourceSpec spec) {
        if (spec.runner == null) {
            return null;
        }
        if (spec.runner.flowName != null && !spec.runner.flowName.isBlank()) {
            return spec.runner.flowName;
        }
        return spec.runner.flowClass == null ? null : spec.runner.flowClass.substring(spec.runner.flowClass.lastIndexOf('.') + 1);
    }
}
