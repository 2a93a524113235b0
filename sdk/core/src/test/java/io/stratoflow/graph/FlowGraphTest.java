package io.stratoflow.graph;

import io.stratoflow.graph.FlowGraph.Kind;
import io.stratoflow.graph.FlowGraph.StepInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowGraphTest {

    private static StepNode step(String name, String... next) {
        return new StepNode(name, List.of(next), null, false, null);
    }

    private static StepNode foreach(String name, String field, String next) {
        return new StepNode(name, List.of(next), field, false, null);
    }

    private static StepNode join(String name, String... next) {
        return new StepNode(name, List.of(next), null, true, null);
    }

    /** start -> outer(foreach regions) -> prep -> inner(foreach shards) -> work -> innerJoin -> after -> outerJoin -> end */
    private static FlowGraph nested() {
        // Declared out of order on purpose: the graph must not depend on declaration order.
        return FlowGraph.of("Nested", List.of(
                step("end"),
                join("outerJoin", "end"),
                step("work", "innerJoin"),
                step("start", "outer"),
                foreach("outer", "regions", "prep"),
                step("prep", "inner"),
                foreach("inner", "shards", "work"),
                join("innerJoin", "after"),
                step("after", "outerJoin")), ArtifactTypes.UNKNOWN);
    }

    @Test
    void nestedForeachKinds() {
        FlowGraph graph = nested();
        assertThat(graph.step("start").kind()).isEqualTo(Kind.LINEAR);
        assertThat(graph.step("outer").kind()).isEqualTo(Kind.FOREACH);
        assertThat(graph.step("inner").kind()).isEqualTo(Kind.FOREACH);
        assertThat(graph.step("work").kind()).isEqualTo(Kind.LINEAR);
        assertThat(graph.step("innerJoin").kind()).isEqualTo(Kind.LINEAR);
        assertThat(graph.step("end").kind()).isEqualTo(Kind.END);
        assertThat(graph.step("outer").foreachField()).isEqualTo("regions");
        assertThat(graph.step("inner").foreachField()).isEqualTo("shards");
        assertThat(graph.step("work").foreachField()).isNull();
    }

    @Test
    void nestedForeachDepthsAndEnclosingForeach() {
        FlowGraph graph = nested();
        String[][] expected = {
                {"start", "0", null}, {"outer", "0", null}, {"prep", "1", "outer"}, {"inner", "1", "outer"},
                {"work", "2", "inner"}, {"innerJoin", "1", "outer"}, {"after", "1", "outer"},
                {"outerJoin", "0", null}, {"end", "0", null}};
        for (String[] row : expected) {
            StepInfo info = graph.step(row[0]);
            assertThat(info.foreachDepth()).as("depth of %s", row[0]).isEqualTo(Integer.parseInt(row[1]));
            assertThat(info.enclosingForeach()).as("enclosing foreach of %s", row[0]).isEqualTo(row[2]);
        }
    }

    @Test
    void nestedForeachJoins() {
        FlowGraph graph = nested();
        assertThat(graph.step("innerJoin").joins()).isEqualTo("inner");
        assertThat(graph.step("innerJoin").joinsForeach()).isTrue();
        assertThat(graph.step("innerJoin").isJoin()).isTrue();
        assertThat(graph.step("outerJoin").joins()).isEqualTo("outer");
        assertThat(graph.step("outerJoin").joinsForeach()).isTrue();
        for (String name : List.of("start", "outer", "prep", "inner", "work", "after", "end")) {
            assertThat(graph.step(name).isJoin()).as(name).isFalse();
            assertThat(graph.step(name).joinsForeach()).as(name).isFalse();
        }
    }

    @Test
    void nestedForeachPredecessorsAndOrder() {
        FlowGraph graph = nested();
        assertThat(graph.step("start").predecessors()).isEmpty();
        assertThat(graph.step("prep").predecessors()).containsExactly("outer");
        assertThat(graph.step("work").predecessors()).containsExactly("inner");
        assertThat(graph.step("innerJoin").predecessors()).containsExactly("work");
        assertThat(graph.step("end").predecessors()).containsExactly("outerJoin");
        assertThat(graph.topologicalOrder())
                .containsExactly("start", "outer", "prep", "inner", "work", "innerJoin", "after", "outerJoin", "end");
        for (String name : graph.topologicalOrder()) {
            assertThat(graph.topologicalOrder().get(graph.step(name).topoIndex())).isEqualTo(name);
        }
        assertThat(graph.start().name()).isEqualTo("start");
    }

    @Test
    void nestedForeachReachability() {
        FlowGraph graph = nested();
        assertThat(graph.reachableFrom("inner")).containsExactlyInAnyOrder("inner", "work", "innerJoin", "after", "outerJoin", "end");
        assertThat(graph.reachableFrom("start")).containsExactlyInAnyOrderElementsOf(graph.topologicalOrder());
        assertThat(graph.reachableFrom("end")).containsExactly("end");
        assertThat(graph.reachableFrom("after")).containsExactlyInAnyOrder("after", "outerJoin", "end");
    }

    @Test
    void staticSplitInsideForeach() {
        FlowGraph graph = FlowGraph.of("Branchy", List.of(
                foreach("start", "items", "split"), step("split", "a", "b"), step("a", "a2"), step("a2", "branchJoin"),
                step("b", "branchJoin"), join("branchJoin", "foreachJoin"), join("foreachJoin", "end"), step("end")),
                ArtifactTypes.UNKNOWN);
        assertThat(graph.step("split").kind()).isEqualTo(Kind.STATIC_SPLIT);
        assertThat(graph.step("split").next()).containsExactly("a", "b");
        assertThat(graph.step("branchJoin").joins()).isEqualTo("split");
        assertThat(graph.step("branchJoin").joinsForeach()).isFalse();
        assertThat(graph.step("branchJoin").predecessors()).containsExactlyInAnyOrder("a2", "b");
        assertThat(graph.step("branchJoin").foreachDepth()).isEqualTo(1);
        assertThat(graph.step("branchJoin").enclosingForeach()).isEqualTo("start");
        assertThat(graph.step("a2").foreachDepth()).isEqualTo(1);
        assertThat(graph.step("foreachJoin").joins()).isEqualTo("start");
        assertThat(graph.step("foreachJoin").joinsForeach()).isTrue();
        assertThat(graph.step("foreachJoin").foreachDepth()).isZero();
        assertThat(graph.reachableFrom("b")).containsExactlyInAnyOrder("b", "branchJoin", "foreachJoin", "end");
    }

    @Test
    void unknownStepIsAClearError() {
        FlowGraph graph = nested();
        assertThat(graph.hasStep("work")).isTrue();
        assertThat(graph.hasStep("wrok")).isFalse();
        assertThatThrownBy(() -> graph.step("wrok")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'wrok'").hasMessageContaining("work");
    }
}
