package io.stratoflow.task.runner;

import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.ParameterCodec;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.ParameterDefinition;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.task.TaskSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record of a run started by an executor that cannot type the flow's parameters (the operator
 * holds no flow classes): the first task writes it from the spec's parameter texts. Tasks that
 * race write the same parameters.
 */
final class RunRecords {

    private RunRecords() {
    }

    static RunRecord recordFromParameters(Datastore datastore, FlowDefinition flow, TaskSpec spec) {
        Map<String, ArtifactRef> parameters = new LinkedHashMap<>();
        for (ParameterDefinition parameter : flow.parameters()) {
            Object value = parameter.defaultValue();
            String text = spec.parameters().get(parameter.name());
            if (text != null) {
                value = parse(parameter, text);
            }
            parameters.put(parameter.name(), datastore.artifacts().write(parameter.name(), parameter.field().getGenericType(), value));
        }
        RunRecord run = new RunRecord(spec.flow(), spec.runId(), flow.type().getName(), RunPhase.RUNNING, System.currentTimeMillis(),
                null, null, parameters, null, null);
        datastore.runs().writeRun(run);
        return run;
    }

    private static Object parse(ParameterDefinition parameter, String text) {
        try {
            return ParameterCodec.decode(text, Json.ARTIFACTS.constructType(parameter.field().getGenericType()));
        } catch (IOException e) {
            throw new UncheckedIOException("Parameter " + parameter.name() + " = " + text + " is not a valid "
                    + parameter.field().getGenericType().getTypeName() + ": " + e.getMessage(), e);
        }
    }
}
