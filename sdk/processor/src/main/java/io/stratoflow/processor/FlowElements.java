package io.stratoflow.processor;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;
import io.stratoflow.graph.ArtifactTypes;
import io.stratoflow.graph.DecoratorRules;
import io.stratoflow.graph.StepNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads what the graph checks need from a flow class as javac sees it: its steps as
 * {@link StepNode}s and its artifact fields. The same rules as the runtime's reflection, over
 * {@code javax.lang.model} instead of {@code java.lang.reflect}.
 */
final class FlowElements {

    /** One {@code @Step} method and the node it becomes. */
    record StepMethod(ExecutableElement method, StepNode node) {
    }

    private final Elements elements;
    private final Types types;
    private final TypeElement flowSpec;
    private final TypeMirror listErasure;

    private FlowElements(Elements elements, Types types, TypeElement flowSpec, TypeElement list) {
        this.elements = elements;
        this.types = types;
        this.flowSpec = flowSpec;
        this.listErasure = types.erasure(list.asType());
    }

    /** Null when the API is not on the class path of this compilation (nothing to check then). */
    static FlowElements create(Elements elements, Types types) {
        TypeElement flowSpec = elements.getTypeElement(FlowSpec.class.getCanonicalName());
        TypeElement list = elements.getTypeElement(List.class.getCanonicalName());
        if (flowSpec == null || list == null) {
            return null;
        }
        return new FlowElements(elements, types, flowSpec, list);
    }

    /** A class (not an interface, enum or record) that extends FlowSpec, directly or not. */
    boolean extendsFlowSpec(TypeElement type) {
        return type.getKind() == ElementKind.CLASS && !type.equals(flowSpec)
                && types.isSubtype(types.erasure(type.asType()), types.erasure(flowSpec.asType()));
    }

    /**
     * The flow's {@code @Step} methods: those it declares, in source order, then those of its
     * superclasses below FlowSpec. A step declared in a subclass hides a superclass's method of
     * the same name; two in the same class are both kept, for the validator to report.
     */
    List<StepMethod> steps(TypeElement flow) {
        List<StepMethod> steps = new ArrayList<>();
        Map<String, TypeElement> declaredIn = new HashMap<>();
        for (TypeElement type : hierarchy(flow)) {
            for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
                Step step = method.getAnnotation(Step.class);
                String name = method.getSimpleName().toString();
                if (step != null && declaredIn.computeIfAbsent(name, n -> type).equals(type)) {
                    steps.add(new StepMethod(method, node(method, step)));
                }
            }
        }
        return steps;
    }

    /** Whether the class or a superclass below FlowSpec declares a {@code @Step} method. */
    boolean hasSteps(TypeElement flow) {
        return hierarchy(flow).stream().flatMap(t -> ElementFilter.methodsIn(t.getEnclosedElements()).stream())
                .anyMatch(m -> m.getAnnotation(Step.class) != null);
    }

    private StepNode node(ExecutableElement method, Step step) {
        List<String> parameterTypes = new ArrayList<>();
        List<String> erasedParameterTypes = new ArrayList<>();
        for (VariableElement parameter : method.getParameters()) {
            parameterTypes.add(parameter.asType().toString());
            erasedParameterTypes.add(erasedName(parameter.asType()));
        }
        String problem = DecoratorRules.stepSignature(
                method.getModifiers().contains(Modifier.PUBLIC),
                method.getModifiers().contains(Modifier.STATIC),
                method.getReturnType().toString(),
                parameterTypes, erasedParameterTypes);
        return new StepNode(method.getSimpleName().toString(), Arrays.asList(step.next()), step.foreach(),
                DecoratorRules.takesInputs(erasedParameterTypes), problem);
    }

    /**
     * The artifacts: non-static, non-transient fields of the class and its superclasses below
     * FlowSpec, by name; a subclass's field hides a superclass's field of the same name.
     */
    Map<String, VariableElement> artifactFields(TypeElement flow) {
        Map<String, VariableElement> fields = new LinkedHashMap<>();
        for (VariableElement field : declaredFields(flow)) {
            if (!field.getModifiers().contains(Modifier.STATIC) && !field.getModifiers().contains(Modifier.TRANSIENT)) {
                fields.putIfAbsent(field.getSimpleName().toString(), field);
            }
        }
        return fields;
    }

    /** Every field of the class and its superclasses below FlowSpec, the class's own first. */
    List<VariableElement> declaredFields(TypeElement flow) {
        List<VariableElement> fields = new ArrayList<>();
        hierarchy(flow).forEach(type -> fields.addAll(ElementFilter.fieldsIn(type.getEnclosedElements())));
        return fields;
    }

    /** The class, then its superclasses up to, and without, FlowSpec. */
    List<TypeElement> hierarchy(TypeElement flow) {
        List<TypeElement> types = new ArrayList<>();
        for (TypeElement type = flow; type != null && !type.equals(flowSpec); type = superclass(type)) {
            types.add(type);
        }
        return types;
    }

    private static TypeElement superclass(TypeElement type) {
        TypeMirror superclass = type.getSuperclass();
        if (superclass.getKind() != TypeKind.DECLARED) {
            return null;
        }
        return (TypeElement) ((DeclaredType) superclass).asElement();
    }

    /** MISSING, LIST (erasure assignable to java.util.List) or OTHER, over the given fields. */
    ArtifactTypes artifactTypes(Map<String, VariableElement> fields) {
        return name -> {
            VariableElement field = fields.get(name);
            if (field == null) {
                return ArtifactTypes.Kind.MISSING;
            }
            TypeMirror type = field.asType();
            if (type.getKind() == TypeKind.ERROR) {
                // javac already reports the unresolved type; do not add a second, misleading error.
                return ArtifactTypes.Kind.LIST;
            }
            return types.isAssignable(types.erasure(type), listErasure) ? ArtifactTypes.Kind.LIST : ArtifactTypes.Kind.OTHER;
        };
    }

    /** The erased type's name as {@link Class#getName()} spells it for classes: binary names, "int", "void". */
    String erasedName(TypeMirror type) {
        TypeMirror erased = types.erasure(type);
        if (erased.getKind() == TypeKind.DECLARED) {
            return elements.getBinaryName((TypeElement) ((DeclaredType) erased).asElement()).toString();
        }
        return erased.toString();
    }
}
