package io.stratoflow.operator.flow;

import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.stratoflow.graph.GraphProblem;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowResourceStatus;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.status.Conditions;
import io.stratoflow.operator.status.ReconcileFailures;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks a Flow's graph with the same validator the SDK and its annotation processor use, and
 * reports it in condition {@code Valid}, naming the step at fault.
 */
@ControllerConfiguration(name = "flow")
public class FlowReconciler implements Reconciler<Flow> {

    @Inject
    FlowCache flowCache;

    private final ReconcileFailures failures = new ReconcileFailures();

    @Override
    public List<EventSource<?, Flow>> prepareEventSources(EventSourceContext<Flow> context) {
        flowCache.use(context.getPrimaryCache());
        return List.of();
    }

    @Override
    public UpdateControl<Flow> reconcile(Flow flow, Context<Flow> context) {
        FlowResourceStatus status = flow.getStatus() == null ? new FlowResourceStatus() : flow.getStatus();
        long generation = flow.getMetadata().getGeneration() == null ? 0 : flow.getMetadata().getGeneration();
        boolean recovering = ReconcileFailures.failedLast(status.conditions);
        if (status.observedGeneration != null && status.observedGeneration == generation && !recovering) {
            return UpdateControl.noUpdate();
        }
        ReconcileFailures.markReconciled(status.conditions, generation, Instant.now());
        List<String> problems = problems(flow);
        status.observedGeneration = generation;
        status.steps = flow.getSpec() == null ? 0 : flow.getSpec().steps.size();
        if (problems.isEmpty()) {
            Conditions.set(status.conditions, "Valid", true, "GraphValid", "the graph is valid", generation, Instant.now());
        } else {
            Conditions.set(status.conditions, "Valid", false, "InvalidGraph", String.join("; ", problems), generation, Instant.now());
        }
        flow.setStatus(status);
        return UpdateControl.patchStatus(flow);
    }

    /** A failure to write the status (the API server down, the operator's RBAC) ends as condition Reconciled False. */
    @Override
    public ErrorStatusUpdateControl<Flow> updateErrorStatus(Flow flow, Context<Flow> context, Exception e) {
        FlowResourceStatus status = flow.getStatus() == null ? new FlowResourceStatus() : flow.getStatus();
        failures.recordFailure(flow, status.conditions, e);
        flow.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(flow);
    }

    /** What is wrong with a Flow, graph and quantities alike; empty when it can run. A Run refuses a Flow for the same reasons. */
    public static List<String> problems(Flow flow) {
        if (flow.getSpec() == null || flow.getSpec().steps.isEmpty()) {
            return List.of("the flow has no steps");
        }
        List<String> problems = new ArrayList<>(FlowGraphs.validate(flow.getSpec()).stream().map(GraphProblem::toString).toList());
        for (StepSpec step : flow.getSpec().steps) {
            if (step.resources != null) {
                for (String quantity : new String[] {step.resources.cpu, step.resources.memory, step.resources.disk}) {
                    if (quantity != null && !parses(quantity)) {
                        problems.add("step '" + step.name + "': resource quantity '" + quantity + "' is malformed; use e.g. 2, 500m, 16000M or 16Gi");
                    }
                }
            }
        }
        return problems.stream().distinct().collect(Collectors.toList());
    }

    private static boolean parses(String quantity) {
        try {
            Quantity.getAmountInBytes(new Quantity(quantity));
            return true;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }
}
