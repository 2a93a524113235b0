package io.stratoflow.operator.datastore;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.stratoflow.datastore.Json;

import java.util.Optional;

/**
 * Reads the Java type a Flow declares for a parameter ({@code java.lang.reflect.Type#getTypeName()} as the SDK
 * exported it, e.g. {@code int}, {@code java.util.List<java.lang.String>}, {@code java.lang.String[]}) the way
 * the local runtime types the parameter's field. The operator holds no flow classes: a type of the flow's own code
 * cannot be resolved here, and only its canonical name is known.
 */
final class ParameterTypes {

    private static final String ARRAY = "[]";

    private ParameterTypes() {
    }

    /** The type, when every class it names is on the operator's class path (the JDK's, Jackson's). */
    static Optional<JavaType> resolve(String typeName) {
        if (typeName == null || typeName.isBlank()) {
            return Optional.empty();
        }
        String name = typeName.replaceAll("\\s", "");
        TypeFactory types = Json.ARTIFACTS.getTypeFactory();
        try {
            if (name.endsWith(ARRAY)) {
                return resolve(name.substring(0, name.length() - ARRAY.length())).map(types::constructArrayType);
            }
            return Optional.of(types.constructFromCanonical(name));
        } catch (IllegalArgumentException notOnClassPath) {
            return Optional.empty();
        }
    }

    /**
     * The name an {@link io.stratoflow.datastore.ArtifactRef} gives the type, as Jackson's canonical form would,
     * for a type that cannot be resolved here: no blanks, arrays in their binary form ({@code [Lcom.example.Point;}).
     * Null for an undeclared type.
     */
    static String canonicalName(String typeName) {
        if (typeName == null || typeName.isBlank()) {
            return null;
        }
        String name = typeName.replaceAll("\\s", "");
        int dimensions = 0;
        while (name.endsWith(ARRAY)) {
            name = name.substring(0, name.length() - ARRAY.length());
            dimensions++;
        }
        if (dimensions == 0 || name.contains("<")) {
            return dimensions == 0 ? name : typeName.replaceAll("\\s", "");
        }
        return "[".repeat(dimensions) + "L" + name + ";";
    }
}
