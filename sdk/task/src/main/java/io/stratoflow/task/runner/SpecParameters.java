package io.stratoflow.task.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.ParameterCodec;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.ParameterDefinition;
import io.stratoflow.task.TaskSpec;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's parameters as the first task of a run that nobody recorded stores them for its record: the spec's texts,
 * typed by the flow's fields (which the operator, holding no flow classes, cannot do), and the fields' defaults for
 * the others. Tasks that race store the same artifacts.
 */
final class SpecParameters {

    private SpecParameters() {
    }

    static Map<String, ArtifactRef> store(Datastore datastore, FlowDefinition flow, TaskSpec spec) {
        Map<String, ArtifactRef> parameters = new LinkedHashMap<>();
        for (ParameterDefinition parameter : flow.parameters()) {
            Object value = parameter.defaultValue();
            String text = spec.parameters().get(parameter.name());
            if (text != null) {
                value = decode(parameter, text);
            }
            parameters.put(parameter.name(), datastore.artifacts().write(parameter.name(), parameter.field().getGenericType(), value));
        }
        return parameters;
    }

    private static Object decode(ParameterDefinition parameter, String text) {
        JavaType type = Json.ARTIFACTS.constructType(parameter.field().getGenericType());
        try {
            return ParameterCodec.decode(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Parameter " + parameter.name() + " = " + text + " is not a valid "
                    + parameter.field().getGenericType().getTypeName() + ": " + e.getMessage(), e);
        }
    }
}
