package io.stratoflow.operator.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.flow.FlowReconciler;
import io.stratoflow.operator.pods.TaskResources;
import io.stratoflow.operator.pools.PoolDirectory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a Run needs before its first Pod: its Flow (in its own namespace, with a valid graph), and
 * for every step a pool that can ever hold its tasks. Anything wrong refuses the Run with a
 * message that says what and where.
 */
final class RunStarter {

    /** The Flow spec to pin, or why the Run cannot start ({@code waitForFlow}: it may appear later). */
    record Start(FlowResourceSpec flow, RunConditionReason reason, String refusal, boolean waitForFlow) {
        static Start refused(RunConditionReason reason, String message) {
            return new Start(null, reason, message, false);
        }
    }

    private RunStarter() {
    }

    static Start check(KubernetesClient client, Run run, Collection<ComputePool> pools, RunDatastores datastores) {
        String namespace = run.getMetadata().getNamespace();
        var ref = run.getSpec().flowRef;
        if (ref.namespace != null && !ref.namespace.isBlank() && !ref.namespace.equals(namespace)) {
            return Start.refused(RunConditionReason.FLOW_IN_OTHER_NAMESPACE, "Run " + run.getMetadata().getName() + " names Flow " + ref.namespace + "/"
                    + ref.name + ", but a Run can only use Flows of its own namespace (" + namespace + "). Create the Flow in " + namespace + ".");
        }
        Flow flow = client.resources(Flow.class).inNamespace(namespace).withName(ref.name).get();
        if (flow == null) {
            return new Start(null, RunConditionReason.FLOW_NOT_FOUND, "Flow " + ref.name + " does not exist in namespace " + namespace
                    + "; the Run starts when it is created.", true);
        }
        List<String> problems = FlowReconciler.problems(flow);
        if (!problems.isEmpty()) {
            return Start.refused(RunConditionReason.INVALID_FLOW, "Flow " + ref.name + " is not valid: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems; see the Flow's Valid condition)" : ""));
        }
        if (FlowGraphs.hasTaskRunnerSteps(flow.getSpec())) {
            if (flow.getSpec().runner == null || flow.getSpec().runner.flowClass == null || flow.getSpec().runner.flowClass.isBlank()) {
                return Start.refused(RunConditionReason.INVALID_FLOW, "Flow " + ref.name + " has steps without a container, which run through the SDK's task "
                        + "runner, but names no spec.runner.flowClass; export the Flow from its Java class, or give each step a container.");
            }
            if (datastores.locationOf(flow.getSpec()).isEmpty()) {
                return Start.refused(RunConditionReason.NO_DATASTORE, "Flow " + ref.name + " runs Java steps, whose tasks share artifacts through a datastore, "
                        + "but neither the Flow (spec.runner.datastore) nor the operator (chart value datastore.root) names one.");
            }
        }
        PoolDirectory directory = new PoolDirectory(withNamedPools(client, flow.getSpec(), pools));
        for (StepSpec step : flow.getSpec().steps) {
            if (ExternalTasks.isExternal(step)) {
                continue; // runs on the submitting machine, in no pool
            }
            String refusal;
            try {
                refusal = directory.resolve(step, TaskResources.of(step, run.getSpec().overrides), namespace).refusal();
            } catch (IllegalArgumentException | ArithmeticException badQuantity) {
                refusal = "Step '" + step.name + "' has a resource quantity that cannot be read: " + badQuantity.getMessage();
            }
            if (refusal != null) {
                return Start.refused(RunConditionReason.REFUSED, refusal);
            }
        }
        return new Start(flow.getSpec(), null, null, false);
    }

    /**
     * The cached pools, plus any pool a step names that the cache does not hold yet, read from the API server: a
     * ComputePool applied together with its Run (one {@code kubectl apply -f}) may reach the Run's check before the
     * operator's watch of pools has seen it, and must not refuse the Run as missing.
     */
    private static Collection<ComputePool> withNamedPools(KubernetesClient client, FlowResourceSpec flow, Collection<ComputePool> cached) {
        Set<String> known = cached.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        List<ComputePool> pools = new ArrayList<>(cached);
        flow.steps.stream().filter(step -> !ExternalTasks.isExternal(step)).map(PoolDirectory::namedPool)
                .filter(name -> name != null && !known.contains(name)).distinct()
                .map(name -> client.resources(ComputePool.class).withName(name).get())
                .filter(Objects::nonNull)
                .forEach(pools::add);
        return pools;
    }
}
