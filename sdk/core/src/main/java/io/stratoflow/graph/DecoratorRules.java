package io.stratoflow.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks on a step's method signature and on its decorators, written over plain values so
 * that the annotation processor (which sees {@code javax.lang.model} elements) and the runtime
 * (which sees {@code java.lang.reflect} members) judge a flow with the same rules and the same
 * words.
 *
 * <p>Every method returns what is wrong, as a message meant to follow {@code "step 'x': "} (wrap
 * it in a {@link GraphProblem} naming the step), or {@code null} when the values are fine.
 */
public final class DecoratorRules {

    /** Erased type name a join step's parameter must have. */
    public static final String INPUTS_TYPE = "io.stratoflow.api.Inputs";

    /** Erased type name of the field a {@code @Catch(var = ...)} names. */
    public static final String TASK_FAILURE_TYPE = "io.stratoflow.api.TaskFailure";

    private DecoratorRules() {
    }

    /**
     * The shape of a {@code @Step} method: public, not static, returning void, and taking either
     * nothing or exactly one {@code Inputs} parameter.
     *
     * @param parameterTypes      the parameters' declared types as the user would read them
     *                            (e.g. {@code java.util.List<java.lang.String>}), in order
     * @param erasedParameterTypes the parameters' erased, fully qualified type names, in order
     *                            (e.g. {@code io.stratoflow.api.Inputs})
     * @param returnType          the declared return type ({@code void} for none)
     * @return what is wrong with the signature (several faults joined by {@code "; "}), or null
     */
    public static String stepSignature(boolean isPublic, boolean isStatic, String returnType,
                                       List<String> parameterTypes, List<String> erasedParameterTypes) {
        List<String> faults = new ArrayList<>();
        if (!isPublic) {
            faults.add("a step method must be public");
        }
        if (isStatic) {
            faults.add("a step method must not be static");
        }
        if (!"void".equals(returnType)) {
            faults.add("a step method must return void, found " + returnType);
        }
        if (!takesNothingOrInputs(erasedParameterTypes)) {
            faults.add("a step takes no parameters, and a join step must take exactly one Inputs<...> parameter; found ("
                    + String.join(", ", parameterTypes) + ")");
        }
        return faults.isEmpty() ? null : String.join("; ", faults);
    }

    /** Whether a step with these erased parameter types is written as a join. */
    public static boolean takesInputs(List<String> erasedParameterTypes) {
        return erasedParameterTypes.size() == 1 && INPUTS_TYPE.equals(erasedParameterTypes.get(0));
    }

    private static boolean takesNothingOrInputs(List<String> erasedParameterTypes) {
        return erasedParameterTypes.isEmpty() || takesInputs(erasedParameterTypes);
    }

    /**
     * {@code @Resources}: cpu and memory must be positive, gpu and disk not negative.
     *
     * @return every value out of range in one message, or null
     */
    public static String resources(double cpu, int memory, int gpu, int disk) {
        List<String> faults = new ArrayList<>();
        if (!(cpu > 0)) {
            faults.add("cpu=" + number(cpu) + " must be greater than 0 (cores; fractions such as 0.5 are allowed)");
        }
        if (memory <= 0) {
            faults.add("memory=" + memory + " must be greater than 0 (megabytes)");
        }
        if (gpu < 0) {
            faults.add("gpu=" + gpu + " must not be negative");
        }
        if (disk < 0) {
            faults.add("disk=" + disk + " must not be negative (megabytes; 0 means the cluster's default)");
        }
        return faults.isEmpty() ? null : "@Resources: " + String.join("; ", faults);
    }

    /** {@code @Retry}: neither the number of further attempts nor the wait between them can be negative. */
    public static String retry(int times, double minutesBetweenRetries) {
        List<String> faults = new ArrayList<>();
        if (times < 0) {
            faults.add("times=" + times + " must not be negative (the number of attempts after the first)");
        }
        if (!(minutesBetweenRetries >= 0)) {
            faults.add("minutesBetweenRetries=" + number(minutesBetweenRetries) + " must not be negative");
        }
        return faults.isEmpty() ? null : "@Retry: " + String.join("; ", faults);
    }

    /** {@code @Timeout}: the sum of the durations must be positive. */
    public static String timeout(int seconds, int minutes, int hours) {
        long total = timeoutSeconds(seconds, minutes, hours);
        if (total <= 0) {
            return "@Timeout(seconds=" + seconds + ", minutes=" + minutes + ", hours=" + hours + ") adds up to "
                    + total + " seconds; a timeout must be positive";
        }
        return null;
    }

    /** The total of a {@code @Timeout}, in seconds, without overflow. */
    public static long timeoutSeconds(int seconds, int minutes, int hours) {
        return seconds + 60L * minutes + 3600L * hours;
    }

    /**
     * {@code @Catch(var = ...)}: a non-blank var must name an artifact field (non-static,
     * non-transient, declared in the flow or a superclass below FlowSpec) of type TaskFailure.
     *
     * @param var       the annotation's var
     * @param fieldType the erased, fully qualified type name of the artifact field named {@code var},
     *                  or null if the flow has no such artifact field
     */
    public static String catchVar(String var, String fieldType) {
        if (var == null || var.isBlank()) {
            return null;
        }
        if (fieldType == null) {
            return "@Catch(var=\"" + var + "\") names a field the flow does not declare; declare a field "
                    + "'TaskFailure " + var + "' (non-static, non-transient) to receive the failure";
        }
        if (!TASK_FAILURE_TYPE.equals(fieldType)) {
            return "@Catch(var=\"" + var + "\") names field '" + var + "' of type " + fieldType
                    + "; the field that receives the failure must be of type " + TASK_FAILURE_TYPE;
        }
        return null;
    }

    /** {@code @Parameter}: the field must be settable per run, so neither static nor final. */
    public static String parameter(String field, boolean isStatic, boolean isFinal) {
        if (isStatic && isFinal) {
            return "@Parameter field '" + field + "' must be neither static nor final; a parameter is an artifact "
                    + "of each run, whose initial value is only the default that the run's arguments override";
        }
        if (isStatic) {
            return "@Parameter field '" + field + "' must not be static; a parameter is an artifact of each run";
        }
        if (isFinal) {
            return "@Parameter field '" + field + "' must not be final; its initial value is only the default, "
                    + "which the run's arguments override";
        }
        return null;
    }

    /**
     * Entries that must each read {@code key=value} with a non-empty key, such as
     * {@code @Environment(vars)} and {@code @Kubernetes(nodeSelector)}.
     *
     * @param what how the user wrote the attribute, e.g. {@code "@Environment(vars)"}
     * @return the malformed entries in one message, or null
     */
    public static String keyValues(String what, String... entries) {
        List<String> malformed = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null || entry.indexOf('=') <= 0) {
                malformed.add("'" + entry + "'");
            }
        }
        if (malformed.isEmpty()) {
            return null;
        }
        return what + (malformed.size() == 1 ? " entry " : " entries ") + String.join(", ", malformed)
                + (malformed.size() == 1 ? " is" : " are") + " not of the form key=value";
    }

    private static String number(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
