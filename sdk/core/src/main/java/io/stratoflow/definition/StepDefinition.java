package io.stratoflow.definition;

import io.stratoflow.engine.StepPolicy;
import io.stratoflow.graph.StepNode;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * A step as declared in Java: its place in the graph and its decorators.
 *
 * @param catchVar field receiving a caught failure, or null when the step has no {@code @Catch};
 *                 empty when it catches without keeping the failure
 */
public record StepDefinition(StepNode node, Method method, ResourceSpec resources, Placement placement,
                             int retries, long retryDelayMillis, long timeoutMillis, String catchVar,
                             Map<String, String> environment) {

    public String name() {
        return node.name();
    }

    public StepPolicy policy() {
        return new StepPolicy(retries, retryDelayMillis, timeoutMillis, catchVar != null);
    }
}
