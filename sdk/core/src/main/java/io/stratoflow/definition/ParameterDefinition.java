package io.stratoflow.definition;

import java.lang.reflect.Field;

/** A run parameter: a field annotated {@code @Parameter}, with the default its initializer gives. */
public record ParameterDefinition(String name, Field field, String help, boolean required, Object defaultValue) {

    public Class<?> type() {
        return field.getType();
    }
}
