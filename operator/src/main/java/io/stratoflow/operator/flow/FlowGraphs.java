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
}
