package io.stratoflow.view;

import io.stratoflow.graph.FlowGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The steps of a flow graph as the views draw them, in topological order. */
public final class StepShapes {

    /** What a step asks for, or null when the source does not know. */
    @FunctionalInterface
    public interface Requests {
        String[] cpuMemoryGpu(String step);
    }

    private StepShapes() {
    }

    public static List<StepShape> of(FlowGraph graph, Requests requests) {
        List<StepShape> shapes = new ArrayList<>();
        for (String name : graph.topologicalOrder()) {
            FlowGraph.StepInfo step = graph.step(name);
            String kind = step.isJoin() ? "join" : switch (step.kind()) {
                case FOREACH -> "foreach";
                case STATIC_SPLIT -> "split";
                case END -> "end";
                case LINEAR -> "linear";
            };
            String[] asks = requests.cpuMemoryGpu(name);
            Integer gpu = asks == null || asks[2] == null ? null : Integer.valueOf(asks[2]);
            shapes.add(new StepShape(name, List.copyOf(step.next()), kind.toLowerCase(Locale.ROOT), step.foreachDepth(),
                    asks == null ? null : asks[0], asks == null ? null : asks[1], gpu));
        }
        return shapes;
    }
}
