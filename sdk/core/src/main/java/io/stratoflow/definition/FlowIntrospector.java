package io.stratoflow.definition;

import io.stratoflow.api.Catch;
import io.stratoflow.api.Environment;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Kubernetes;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Retry;
import io.stratoflow.api.Step;
import io.stratoflow.api.Timeout;
import io.stratoflow.graph.ArtifactTypes;
import io.stratoflow.graph.DecoratorRules;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.graph.GraphProblem;
import io.stratoflow.graph.GraphValidationException;
import io.stratoflow.graph.StepNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a flow class by reflection, with the same rules the annotation processor applies at
 * compile time, so that classes compiled without the processor are checked too.
 */
public final class FlowIntrospector {

    private static final Map<Class<?>, FlowDefinition> CACHE = new ConcurrentHashMap<>();

    private FlowIntrospector() {
    }

    public static FlowDefinition inspect(Class<? extends FlowSpec> type) {
        return CACHE.computeIfAbsent(type, t -> read(type));
    }

    private static FlowDefinition read(Class<? extends FlowSpec> type) {
        String flowName = type.getSimpleName();
        Map<String, Field> artifacts = artifactFields(type);
        List<GraphProblem> problems = new ArrayList<>();
        Map<String, Method> methods = stepMethods(type, problems);
        List<StepNode> nodes = new ArrayList<>();
        methods.values().forEach(m -> nodes.add(node(m)));
        ArtifactTypes types = field -> {
            Field f = artifacts.get(field);
            if (f == null) {
                return ArtifactTypes.Kind.MISSING;
            }
            return List.class.isAssignableFrom(f.getType()) ? ArtifactTypes.Kind.LIST : ArtifactTypes.Kind.OTHER;
        };
        Map<String, StepDefinition> steps = new LinkedHashMap<>();
        for (Method method : methods.values()) {
            steps.put(method.getName(), step(node(method), method, artifacts, problems));
        }
        List<ParameterDefinition> parameters = parameters(type, artifacts, problems);
        if (!problems.isEmpty()) {
            throw new GraphValidationException(flowName, problems);
        }
        FlowGraph graph = FlowGraph.of(flowName, nodes, types);
        Map<String, StepDefinition> ordered = new LinkedHashMap<>();
        graph.topologicalOrder().forEach(name -> ordered.put(name, steps.get(name)));
        for (Field field : artifacts.values()) {
            field.setAccessible(true);
        }
        return new FlowDefinition(flowName, type, graph, ordered, artifacts, parameters);
    }

    private static Map<String, Field> artifactFields(Class<?> type) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != FlowSpec.class && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        Map<String, Field> fields = new LinkedHashMap<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !field.isSynthetic()) {
                    fields.put(field.getName(), field);
                }
            }
        }
        return fields;
    }

    private static Map<String, Method> stepMethods(Class<?> type, List<GraphProblem> problems) {
        Map<String, Method> methods = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != FlowSpec.class; c = c.getSuperclass()) {
            Method[] declared = c.getDeclaredMethods();
            Arrays.sort(declared, (a, b) -> a.getName().compareTo(b.getName()));
            for (Method method : declared) {
                if (method.isAnnotationPresent(Step.class) && !method.isBridge()) {
                    Method previous = methods.putIfAbsent(method.getName(), method);
                    if (previous != null && previous.getDeclaringClass() == method.getDeclaringClass()) {
                        problems.add(new GraphProblem(method.getName(), "is declared twice; step names must be unique"));
                    }
                }
            }
        }
        return methods;
    }

    private static StepNode node(Method method) {
        Step step = method.getAnnotation(Step.class);
        Class<?>[] params = method.getParameterTypes();
        boolean takesInputs = params.length == 1 && params[0] == Inputs.class;
        return new StepNode(method.getName(), List.of(step.next()), step.foreach(), takesInputs, signatureProblem(method));
    }

    static String signatureProblem(Method method) {
        int modifiers = method.getModifiers();
        return DecoratorRules.stepSignature(Modifier.isPublic(modifiers), Modifier.isStatic(modifiers),
                method.getGenericReturnType().getTypeName(),
                Arrays.stream(method.getGenericParameterTypes()).map(java.lang.reflect.Type::getTypeName).toList(),
                Arrays.stream(method.getParameterTypes()).map(Class::getName).toList());
    }

    private static StepDefinition step(StepNode node, Method method, Map<String, Field> artifacts, List<GraphProblem> problems) {
        String name = method.getName();
        Resources resources = method.getAnnotation(Resources.class);
        ResourceSpec spec = ResourceSpec.DEFAULT;
        if (resources != null) {
            report(problems, name, DecoratorRules.resources(resources.cpu(), resources.memory(), resources.gpu(), resources.disk()));
            spec = new ResourceSpec(resources.cpu(), resources.memory(), resources.gpu(), resources.disk());
        }
        Kubernetes kubernetes = method.getAnnotation(Kubernetes.class);
        Placement placement = Placement.NONE;
        if (kubernetes != null) {
            spec = spec.atLeast(new ResourceSpec(kubernetes.cpu(), kubernetes.memory(), kubernetes.gpu(), kubernetes.disk()));
            report(problems, name, DecoratorRules.keyValues("@Kubernetes(nodeSelector)", kubernetes.nodeSelector()));
            placement = new Placement(true, kubernetes.image(), keyValues(kubernetes.nodeSelector()),
                    List.of(kubernetes.tolerations()), kubernetes.computePool(), kubernetes.gpuVendor().name().toLowerCase());
        }
        Retry retry = method.getAnnotation(Retry.class);
        int retries = retry == null ? 0 : retry.times();
        long retryDelay = retry == null ? 0 : (long) (retry.minutesBetweenRetries() * 60_000);
        if (retry != null) {
            report(problems, name, DecoratorRules.retry(retry.times(), retry.minutesBetweenRetries()));
        }
        Timeout timeout = method.getAnnotation(Timeout.class);
        long timeoutMillis = 0;
        if (timeout != null) {
            report(problems, name, DecoratorRules.timeout(timeout.seconds(), timeout.minutes(), timeout.hours()));
            timeoutMillis = DecoratorRules.timeoutSeconds(timeout.seconds(), timeout.minutes(), timeout.hours()) * 1000L;
        }
        Catch catchAnnotation = method.getAnnotation(Catch.class);
        String catchVar = null;
        if (catchAnnotation != null) {
            catchVar = catchAnnotation.var();
            Field field = artifacts.get(catchVar);
            report(problems, name, DecoratorRules.catchVar(catchVar, field == null ? null : field.getType().getName()));
        }
        Environment environment = method.getAnnotation(Environment.class);
        Map<String, String> env = Map.of();
        if (environment != null) {
            report(problems, name, DecoratorRules.keyValues("@Environment(vars)", environment.vars()));
            env = keyValues(environment.vars());
        }
        return new StepDefinition(node, method, spec, placement, retries, retryDelay, timeoutMillis, catchVar, env);
    }

    private static void report(List<GraphProblem> problems, String step, String problem) {
        if (problem != null) {
            problems.add(new GraphProblem(step, problem));
        }
    }

    /** Entries already checked by {@link DecoratorRules#keyValues}; malformed ones are skipped. */
    private static Map<String, String> keyValues(String[] entries) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                values.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
            }
        }
        return values;
    }

    private static List<ParameterDefinition> parameters(Class<? extends FlowSpec> type, Map<String, Field> artifacts,
                                                        List<GraphProblem> problems) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != FlowSpec.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.isAnnotationPresent(Parameter.class)) {
                    String problem = DecoratorRules.parameter(field.getName(), Modifier.isStatic(field.getModifiers()),
                            Modifier.isFinal(field.getModifiers()));
                    if (problem != null) {
                        problems.add(new GraphProblem(null, problem));
                    } else {
                        fields.add(field);
                    }
                }
            }
        }
        if (fields.isEmpty()) {
            return List.of();
        }
        FlowSpec defaults = instantiate(type);
        List<ParameterDefinition> parameters = new ArrayList<>();
        for (Field field : fields) {
            Parameter parameter = field.getAnnotation(Parameter.class);
            field.setAccessible(true);
            String name = parameter.name().isEmpty() ? field.getName() : parameter.name();
            try {
                parameters.add(new ParameterDefinition(name, field, parameter.help(), parameter.required(), field.get(defaults)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return parameters;
    }

    /** Creates a flow object through its no-argument constructor. */
    public static <T extends FlowSpec> T instantiate(Class<T> type) {
        try {
            Constructor<T> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Flow " + type.getSimpleName() + " needs a constructor without parameters", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("The constructor of flow " + type.getSimpleName() + " threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create flow " + type.getSimpleName() + ": " + e, e);
        }
    }
}
