package io.stratoflow.processor;

import io.stratoflow.api.Catch;
import io.stratoflow.api.Environment;
import io.stratoflow.api.Kubernetes;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Retry;
import io.stratoflow.api.Step;
import io.stratoflow.api.Timeout;
import io.stratoflow.graph.DecoratorRules;
import io.stratoflow.graph.GraphProblem;
import io.stratoflow.graph.GraphValidator;
import io.stratoflow.graph.StepNode;
import io.stratoflow.processor.FlowElements.StepMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Fails {@code javac} on a flow whose graph is invalid, with an error on the step method at
 * fault: an unknown next step, a cycle, an unreachable step, a missing start or end, a split
 * without its join, a join with the wrong signature, a foreach over a field that is not a List,
 * and decorators with impossible values.
 *
 * <p>A flow is a non-abstract class extending {@link io.stratoflow.api.FlowSpec} that declares
 * at least one {@link Step} method. The graph is judged by the same {@link GraphValidator} and
 * {@link DecoratorRules} as the runtime uses, so a flow that compiles is also accepted when it
 * runs. The processor only reports; it generates nothing and claims no annotation.
 */
public final class FlowGraphProcessor extends AbstractProcessor {

    static final String PREFIX = "Stratoflow: ";

    /** Problems already reported, so a base class shared by several flows is reported once. */
    private final Set<List<Object>> reported = new HashSet<>();

    /**
     * All sources: a flow may declare no annotation itself when it inherits its steps from an
     * abstract base flow in a library. Nothing is claimed, so other processors see everything.
     */
    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        FlowElements flows = FlowElements.create(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
        if (flows == null) {
            return false;
        }
        Set<TypeElement> candidates = new LinkedHashSet<>();
        for (Element element : round.getElementsAnnotatedWith(Step.class)) {
            if (element.getKind() == ElementKind.METHOD && element.getEnclosingElement() instanceof TypeElement owner) {
                candidates.add(owner);
            }
        }
        collectTypes(ElementFilter.typesIn(round.getRootElements()), candidates);
        for (TypeElement type : candidates) {
            if (!flows.extendsFlowSpec(type)) {
                if (declaresSteps(type)) {
                    warning(type, type.getQualifiedName() + " has @Step methods but does not extend "
                            + "io.stratoflow.api.FlowSpec, so it is not a flow");
                }
            } else if (!type.getModifiers().contains(Modifier.ABSTRACT) && flows.hasSteps(type)) {
                check(flows, type);
            }
        }
        return false;
    }

    private static void collectTypes(Iterable<TypeElement> types, Set<TypeElement> into) {
        for (TypeElement type : types) {
            into.add(type);
            collectTypes(ElementFilter.typesIn(type.getEnclosedElements()), into);
        }
    }

    private static boolean declaresSteps(TypeElement type) {
        return ElementFilter.methodsIn(type.getEnclosedElements()).stream().anyMatch(m -> m.getAnnotation(Step.class) != null);
    }

    private void check(FlowElements flows, TypeElement flow) {
        List<StepMethod> steps = flows.steps(flow);
        Map<String, VariableElement> artifacts = flows.artifactFields(flow);

        List<StepNode> nodes = steps.stream().map(StepMethod::node).toList();
        List<GraphProblem> problems = new GraphValidator().validate(nodes, flows.artifactTypes(artifacts));
        reportGraphProblems(flow, steps, problems);

        for (StepMethod step : steps) {
            for (String problem : decoratorProblems(flows, step.method(), artifacts)) {
                error(flow, new GraphProblem(step.node().name(), problem), step.method());
            }
        }
        for (VariableElement field : flows.declaredFields(flow)) {
            if (field.getAnnotation(Parameter.class) != null) {
                String problem = DecoratorRules.parameter(field.getSimpleName().toString(),
                        field.getModifiers().contains(Modifier.STATIC), field.getModifiers().contains(Modifier.FINAL));
                if (problem != null) {
                    error(flow, new GraphProblem(null, problem), field);
                }
            }
        }
    }

    /**
     * Each problem goes on the method of the step it names, or on the class. When a name is
     * declared more than once, the "declared twice" problems go on the later declarations.
     */
    private void reportGraphProblems(TypeElement flow, List<StepMethod> steps, List<GraphProblem> problems) {
        Map<String, List<ExecutableElement>> methods = new LinkedHashMap<>();
        steps.forEach(s -> methods.computeIfAbsent(s.node().name(), k -> new ArrayList<>()).add(s.method()));
        Map<String, Integer> duplicatesReported = new HashMap<>();
        for (GraphProblem problem : problems) {
            List<ExecutableElement> declared = problem.step() == null ? null : methods.get(problem.step());
            Element where = flow;
            if (declared != null) {
                where = declared.get(0);
                if (declared.size() > 1 && problem.message().startsWith("is declared twice")) {
                    int n = duplicatesReported.merge(problem.step(), 1, Integer::sum);
                    where = declared.get(Math.min(n, declared.size() - 1));
                }
            }
            error(flow, problem, where);
        }
    }

    private static List<String> decoratorProblems(FlowElements flows, ExecutableElement method,
                                                  Map<String, VariableElement> artifacts) {
        List<String> problems = new ArrayList<>();
        Resources resources = method.getAnnotation(Resources.class);
        if (resources != null) {
            addIfPresent(problems, DecoratorRules.resources(resources.cpu(), resources.memory(), resources.gpu(), resources.disk()));
        }
        Retry retry = method.getAnnotation(Retry.class);
        if (retry != null) {
            addIfPresent(problems, DecoratorRules.retry(retry.times(), retry.minutesBetweenRetries()));
        }
        Timeout timeout = method.getAnnotation(Timeout.class);
        if (timeout != null) {
            addIfPresent(problems, DecoratorRules.timeout(timeout.seconds(), timeout.minutes(), timeout.hours()));
        }
        Catch caught = method.getAnnotation(Catch.class);
        if (caught != null) {
            VariableElement field = artifacts.get(caught.var());
            addIfPresent(problems, DecoratorRules.catchVar(caught.var(), field == null ? null : flows.erasedName(field.asType())));
        }
        Environment environment = method.getAnnotation(Environment.class);
        if (environment != null) {
            addIfPresent(problems, DecoratorRules.keyValues("@Environment(vars)", environment.vars()));
        }
        Kubernetes kubernetes = method.getAnnotation(Kubernetes.class);
        if (kubernetes != null) {
            addIfPresent(problems, DecoratorRules.keyValues("@Kubernetes(nodeSelector)", kubernetes.nodeSelector()));
        }
        return problems;
    }

    private static void addIfPresent(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    /**
     * Reports on the element at fault when the flow declares it; a problem in a step or field
     * inherited from a base class is reported on the flow, naming where it is declared.
     */
    private void error(TypeElement flow, GraphProblem problem, Element where) {
        String message = PREFIX + problem;
        Element owner = where.getEnclosingElement();
        if (where != flow && !flow.equals(owner) && owner instanceof TypeElement base) {
            message += " (declared in " + base.getQualifiedName() + ", inherited by flow " + flow.getSimpleName() + ")";
            where = flow;
        }
        if (reported.add(List.of(where, message))) {
            messager().printMessage(Diagnostic.Kind.ERROR, message, where);
        }
    }

    private void warning(Element where, String message) {
        messager().printMessage(Diagnostic.Kind.WARNING, PREFIX + message, where);
    }

    private Messager messager() {
        return processingEnv.getMessager();
    }
}
