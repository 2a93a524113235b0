package io.stratoflow.graph;

/** One thing wrong with a flow's graph, attributed to the step where it shows. */
public record GraphProblem(String step, String message) {

    @Override
    public String toString() {
        return step == null ? message : "step '" + step + "': " + message;
    }
}
