package io.stratoflow.graph;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a flow's graph is invalid; the message lists every problem. */
public class GraphValidationException extends RuntimeException {

    private final List<GraphProblem> problems;

    public GraphValidationException(String flow, List<GraphProblem> problems) {
        super("Flow " + flow + " is not valid:\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<GraphProblem> problems() {
        return problems;
    }
}
