package io.stratoflow.export;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.ParameterCodec;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.ParameterDefinition;
import io.stratoflow.definition.Placement;
import io.stratoflow.definition.ResourceSpec;
import io.stratoflow.definition.StepDefinition;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowReference;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.ParameterSpec;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.RetrySpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import io.stratoflow.model.StepSpec;
import io.stratoflow.model.TaskRunnerSpec;

import java.util.Locale;
import java.util.Map;

/** Turns a Java flow into the Flow and Run resources that run it on a cluster. */
public final class FlowExporter {

    private FlowExporter() {
    }

    /** A Kubernetes name for a flow class: {@code ScalableFlow} becomes {@code scalable-flow}. */
    public static String resourceName(String flowName) {
        return flowName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
    }

    public static Flow flow(FlowDefinition definition, String image, String datastore) {
        FlowResourceSpec spec = new FlowResourceSpec();
        for (StepDefinition step : definition.steps().values()) {
            spec.steps.add(step(step));
        }
        spec.runner = new TaskRunnerSpec();
        spec.runner.image = image;
        spec.runner.flowClass = definition.type().getName();
        spec.runner.flowName = definition.name();
        spec.runner.datastore = datastore;
        for (ParameterDefinition parameter : definition.parameters()) {
            ParameterSpec p = new ParameterSpec();
            p.name = parameter.name();
            p.type = parameter.field().getGenericType().getTypeName();
            p.help = parameter.help().isEmpty() ? null : parameter.help();
            p.defaultValue = json(parameter.defaultValue(), parameter);
            spec.parameters.add(p);
        }
        Flow flow = new Flow();
        flow.setMetadata(new ObjectMetaBuilder().withName(resourceName(definition.name()))
                .addToLabels("stratoflow.io/flow", resourceName(definition.name())).build());
        flow.setSpec(spec);
        return flow;
    }

    /**
     * Gives the steps without {@code @Kubernetes} the image and placement a {@code --with kubernetes:…} asks for;
     * steps that carry {@code @Kubernetes} keep their own.
     */
    public static void place(Flow flow, FlowDefinition definition, KubernetesDecorator decorator) {
        if (decorator.image() != null) {
            flow.getSpec().runner.image = decorator.image();
        }
        if (decorator.computePool() == null && decorator.nodeSelector().isEmpty()) {
            return;
        }
        for (StepSpec step : flow.getSpec().steps) {
            if (definition.step(step.name).placement().kubernetes()) {
                continue;
            }
            if (step.placement == null) {
                step.placement = new PlacementSpec();
            }
            if (decorator.computePool() != null) {
                step.placement.computePool = decorator.computePool();
            }
            step.placement.nodeSelector.putAll(decorator.nodeSelector());
        }
    }

    /** Marks the steps without {@code @Kubernetes} as run by the submitting machine: a mixed run. */
    public static void runOthersHere(Flow flow, FlowDefinition definition) {
        for (StepSpec step : flow.getSpec().steps) {
            if (!definition.step(step.name).placement().kubernetes()) {
                step.external = true;
            }
        }
    }

    public static Run run(FlowDefinition definition, String runName, Map<String, Object> parameters, ResourceRequest overrides,
                          int maxWorkers, int maxNumSplits) {
        RunSpec spec = new RunSpec();
        spec.flowRef = new FlowReference(resourceName(definition.name()));
        parameters.forEach((name, value) -> spec.parameters.put(name, json(value, definition.parameter(name).orElseThrow())));
        spec.overrides = overrides;
        spec.maxWorkers = maxWorkers;
        spec.maxNumSplits = maxNumSplits;
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName(runName).addToLabels("stratoflow.io/flow", resourceName(definition.name())).build());
        run.setSpec(spec);
        return run;
    }

    static StepSpec step(StepDefinition definition) {
        StepSpec step = new StepSpec();
        step.name = definition.name();
        step.next.addAll(definition.node().next());
        step.foreach = definition.node().foreach();
        step.join = definition.node().takesInputs();
        ResourceSpec r = definition.resources();
        step.resources = new ResourceRequest(Quantities.cpu(r.cpu()), Quantities.megabytes(r.memoryMb()), r.gpu() > 0 ? r.gpu() : null,
                r.diskMb() > 0 ? Quantities.megabytes(r.diskMb()) : null);
        Placement placement = definition.placement();
        if (!placement.isEmpty()) {
            step.placement = new PlacementSpec();
            step.placement.computePool = placement.computePool().isEmpty() ? null : placement.computePool();
            step.placement.nodeSelector.putAll(placement.nodeSelector());
            placement.tolerations().forEach(t -> step.placement.tolerations.add(toleration(t)));
            step.placement.gpuVendor = r.gpu() > 0 ? placement.gpuVendor() : null;
        }
        if (definition.retries() > 0) {
            step.retry = new RetrySpec(definition.retries(), definition.retryDelayMillis() / 1000);
        }
        if (definition.timeoutMillis() > 0) {
            step.timeoutSeconds = definition.timeoutMillis() / 1000;
        }
        step.catchFailure = definition.catchVar() != null;
        step.catchVar = definition.catchVar() == null || definition.catchVar().isEmpty() ? null : definition.catchVar();
        return step;
    }

    /** {@code key[=value]:effect}, or {@code key[=value]} for any effect. */
    static Toleration toleration(String text) {
        Toleration toleration = new Toleration();
        String keyValue = text;
        int colon = text.lastIndexOf(':');
        if (colon > 0) {
            toleration.setEffect(text.substring(colon + 1));
            keyValue = text.substring(0, colon);
        }
        int equals = keyValue.indexOf('=');
        if (equals > 0) {
            toleration.setKey(keyValue.substring(0, equals));
            toleration.setOperator("Equal");
            toleration.setValue(keyValue.substring(equals + 1));
        } else {
            toleration.setKey(keyValue);
            toleration.setOperator("Exists");
        }
        return toleration;
    }

    private static String json(Object value, ParameterDefinition parameter) {
        try {
            return ParameterCodec.encode(value, Json.ARTIFACTS.constructType(parameter.field().getGenericType()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Parameter " + parameter.name() + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
