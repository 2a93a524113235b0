package io.stratoflow.e2e.support;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.export.FlowExporter;
import io.stratoflow.model.Flow;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.task.code.CodePackager;
import io.stratoflow.task.code.StoredPackage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Java flows as `export` makes them for a cluster: the Flow from the class, its code package
 * (the directory its classes were compiled to) stored in the cluster's datastore. Every step is
 * placed on the executing node's pool, since the simulated KWOK nodes run nothing, and asks for
 * at most {@link #MAX_MEMORY} and {@link #CPU} so that several tasks fit the node at once.
 */
public final class ClusterFlows {

    public static final String EXEC_POOL = "exec";
    static final String MAX_MEMORY = "1500M";
    /** A quarter of a core: the executing node's 8 CPUs then hold a Run's eight workers and more. */
    static final String CPU = "250m";

    private ClusterFlows() {
    }

    public static FlowDefinition definition(Class<? extends FlowSpec> type) {
        return FlowIntrospector.inspect(type);
    }

    /** Uploads the code package of {@code type} and returns the Flow that runs it on the executing node. */
    public static Flow export(Class<? extends FlowSpec> type, Datastore datastore) {
        Flow flow = FlowExporter.flow(definition(type), null, null);
        flow.getSpec().runner.codePackage = codePackage(type, datastore).id();
        for (StepSpec step : flow.getSpec().steps) {
            onExecutingNode(step);
        }
        return flow;
    }

    public static StoredPackage codePackage(Class<?> type, Datastore datastore) {
        try {
            return CodePackager.forClasspath(List.of(classesOf(type))).store(datastore.content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Run run(Class<? extends FlowSpec> type, String name, Map<String, Object> parameters) {
        return FlowExporter.run(definition(type), name, parameters, null, 8, 100);
    }

    static void onExecutingNode(StepSpec step) {
        step.placement = new PlacementSpec();
        step.placement.computePool = EXEC_POOL;
        String memory = step.resources == null || step.resources.memory == null ? MAX_MEMORY : step.resources.memory;
        if (io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(memory))
                .compareTo(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(MAX_MEMORY))) > 0) {
            memory = MAX_MEMORY;
        }
        step.resources = new ResourceRequest(CPU, memory, null, null);
    }

    private static Path classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
