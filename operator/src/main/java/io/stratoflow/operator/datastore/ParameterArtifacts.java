package io.stratoflow.operator.datastore;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreException;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.ParameterCodec;
import io.stratoflow.model.ParameterSpec;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster Run's parameters stored as artifacts, as the local runtime stores a run's: every parameter the Flow
 * declares, with the Run's value or else the Flow's default, written by the datastore's {@code ArtifactCodec} under
 * its declared type, so that a reader gets the typed value a local run gives. Values are the Run's texts, read by
 * the {@link ParameterCodec} as the task runner reads them. A type of the flow's own code, which the
 * operator cannot load, is stored as the JSON it was given, under the type's canonical name.
 */
public final class ParameterArtifacts {

    private static final ObjectWriter UNTYPED = Json.ARTIFACTS.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private ParameterArtifacts() {
    }

    /**
     * @param values parameter values by name, as JSON text
     * @throws IllegalArgumentException a value that is not valid for its type
     * @throws DatastoreException       the datastore cannot be written
     */
    public static Map<String, ArtifactRef> store(Datastore datastore, List<ParameterSpec> declared, Map<String, String> values) {
        Map<String, ArtifactRef> stored = new LinkedHashMap<>();
        for (ParameterSpec parameter : declared) {
            String text = values.get(parameter.name);
            stored.put(parameter.name, store(datastore, parameter, text != null ? text : parameter.defaultValue));
        }
        return stored;
    }

    private static ArtifactRef store(Datastore datastore, ParameterSpec parameter, String text) {
        Optional<JavaType> type = ParameterTypes.resolve(parameter.type);
        if (type.isPresent()) {
            return datastore.artifacts().write(parameter.name, type.get(), typed(parameter, type.get(), text));
        }
        JsonNode value = untyped(parameter, text);
        String canonical = ParameterTypes.canonicalName(parameter.type);
        try {
            String hash = datastore.content().put(out -> UNTYPED.writeValue(out, value));
            return new ArtifactRef(hash, canonical != null ? canonical : Object.class.getName());
        } catch (IOException e) {
            throw new DatastoreException("Parameter '" + parameter.name + "' cannot be stored: " + e.getMessage(), e);
        }
    }

    private static Object typed(ParameterSpec parameter, JavaType type, String text) {
        try {
            return ParameterCodec.decode(text, type);
        } catch (JsonProcessingException e) {
            throw invalid(parameter, text, e);
        }
    }

    private static JsonNode untyped(ParameterSpec parameter, String text) {
        if (text == null) {
            return NullNode.getInstance();
        }
        try {
            return Json.ARTIFACTS.readTree(text);
        } catch (JsonProcessingException e) {
            if (parameter.type == null || parameter.type.isBlank()) {
                return TextNode.valueOf(text); // nothing says it must be JSON: a plain string
            }
            throw invalid(parameter, text, e);
        }
    }

    private static IllegalArgumentException invalid(ParameterSpec parameter, String text, JsonProcessingException e) {
        return new IllegalArgumentException("Parameter " + parameter.name + " = " + text + " is not a valid " + parameter.type + ": "
                + e.getOriginalMessage(), e);
    }
}
