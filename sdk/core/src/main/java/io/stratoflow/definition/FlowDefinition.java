package io.stratoflow.definition;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.engine.StepPolicy;
import io.stratoflow.graph.FlowGraph;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A flow class read once: its validated graph, steps, artifact fields and parameters. */
public record FlowDefinition(String name, Class<? extends FlowSpec> type, FlowGraph graph, Map<String, StepDefinition> steps,
                             Map<String, Field> artifacts, List<ParameterDefinition> parameters) {

    public StepDefinition step(String name) {
        StepDefinition step = steps.get(name);
        if (step == null) {
            throw new IllegalArgumentException("Flow " + this.name + " has no step '" + name + "'; its steps are " + steps.keySet());
        }
        return step;
    }

    public Optional<ParameterDefinition> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Map<String, StepPolicy> policies() {
        Map<String, StepPolicy> policies = new LinkedHashMap<>();
        steps.forEach((name, step) -> policies.put(name, step.policy()));
        return policies;
    }

    /** Steps that carry {@code @Kubernetes} and so ask for a cluster. */
    public List<String> clusterSteps() {
        return steps.values().stream().filter(s -> s.placement().kubernetes()).map(StepDefinition::name).toList();
    }
}
