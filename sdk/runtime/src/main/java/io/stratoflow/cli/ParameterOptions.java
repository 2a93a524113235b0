package io.stratoflow.cli;

import io.stratoflow.datastore.Json;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.ParameterDefinition;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a flow's {@code @Parameter} fields into typed command-line options of {@code run}. */
final class ParameterOptions {

    private static final Set<Class<?>> PLAIN = Set.of(String.class, int.class, Integer.class, long.class, Long.class,
            double.class, Double.class, float.class, Float.class, boolean.class, Boolean.class);

    private ParameterOptions() {
    }

    static void addTo(CommandSpec command, FlowDefinition flow) {
        for (ParameterDefinition parameter : flow.parameters()) {
            OptionSpec.Builder option = OptionSpec.builder("--" + parameter.name())
                    .paramLabel("<" + parameter.field().getType().getSimpleName().toLowerCase() + ">")
                    .required(parameter.required())
                    .description(parameter.help() + (parameter.defaultValue() == null ? "" : " (default: " + parameter.defaultValue() + ")"));
            Class<?> type = parameter.field().getType();
            if (PLAIN.contains(type) || type.isEnum()) {
                option.type(type);
                if (type == boolean.class || type == Boolean.class) {
                    option.arity("1");
                }
            } else if (List.class.isAssignableFrom(type) && elementType(parameter.field().getGenericType()) != null) {
                option.type(List.class).auxiliaryTypes(elementType(parameter.field().getGenericType())).splitRegex(",");
            } else {
                Type generic = parameter.field().getGenericType();
                option.type(type).converters(text -> Json.ARTIFACTS.readValue(text, Json.ARTIFACTS.constructType(generic)))
                        .paramLabel("<json>");
            }
            command.addOption(option.build());
        }
    }

    /** The values given on the command line, by parameter name; absent ones keep their defaults. */
    static Map<String, Object> values(CommandSpec command, FlowDefinition flow) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterDefinition parameter : flow.parameters()) {
            OptionSpec option = command.findOption("--" + parameter.name());
            Object value = option.getValue();
            if (value != null) {
                values.put(parameter.name(), value);
            }
        }
        return values;
    }

    private static Class<?> elementType(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments()[0] instanceof Class<?> element
                && (PLAIN.contains(element) || element.isEnum())) {
            return element;
        }
        return null;
    }

}
