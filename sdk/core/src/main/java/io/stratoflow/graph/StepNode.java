package io.stratoflow.graph;

import java.util.List;

/**
 * The graph-relevant shape of one step, independent of where it was read from (reflection, the
 * annotation processor or a Flow resource).
 *
 * @param foreach       the list field the step fans out over, or null
 * @param takesInputs   whether the step is written as a join (one {@code Inputs} parameter)
 * @param signatureProblem what is wrong with the method's parameters, or null
 */
public record StepNode(String name, List<String> next, String foreach, boolean takesInputs, String signatureProblem) {

    public StepNode {
        next = List.copyOf(next);
        if (foreach != null && foreach.isBlank()) {
            foreach = null;
        }
    }

    public static StepNode of(String name, List<String> next) {
        return new StepNode(name, next, null, false, null);
    }

    public boolean isForeach() {
        return foreach != null;
    }

    public boolean isStaticSplit() {
        return foreach == null && next.size() > 1;
    }
}
