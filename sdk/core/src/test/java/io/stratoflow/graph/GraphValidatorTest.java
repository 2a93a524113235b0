package io.stratoflow.graph;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphValidatorTest {

    private static StepNode step(String name, String... next) {
        return new StepNode(name, List.of(next), null, false, null);
    }

    private static StepNode foreach(String name, String field, String next) {
        return new StepNode(name, List.of(next), field, false, null);
    }

    private static StepNode join(String name, String... next) {
        return new StepNode(name, List.of(next), null, true, null);
    }

    private static List<GraphProblem> validate(StepNode... steps) {
        return validate(ArtifactTypes.UNKNOWN, steps);
    }

    private static List<GraphProblem> validate(ArtifactTypes types, StepNode... steps) {
        return new GraphValidator().validate(List.of(steps), types);
    }

    /** The graph has exactly one problem, on {@code step}, whose message contains {@code phrase}. */
    private static void assertOnlyProblem(List<GraphProblem> problems, String step, String... phrases) {
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.step()).isEqualTo(step);
            assertThat(p.message()).contains(phrases);
        });
    }

    /** Among possibly several problems, one is on {@code step} and its message contains {@code phrase}. */
    private static void assertHasProblem(List<GraphProblem> problems, String step, String... phrases) {
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.step()).isEqualTo(step);
            assertThat(p.message()).contains(phrases);
        });
    }

    // ---- problems, one per test ----

    @Test
    void unknownNextStep() {
        List<GraphProblem> problems = validate(step("start", "trian"), step("train", "end"), step("end"));
        assertHasProblem(problems, "start", "names next step 'trian', which does not exist", "train");
    }

    @Test
    void cycle() {
        // b is a static split only so that every step stays reachable and the cycle is the one problem.
        List<GraphProblem> problems = validate(step("start", "a"), step("a", "b"), step("b", "a", "end"), step("end"));
        assertOnlyProblem(problems, "b", "closes a cycle a -> b -> a", "acyclic");
    }

    @Test
    void selfLoopIsACycle() {
        List<GraphProblem> problems = validate(step("start", "a"), step("a", "a", "end"), step("end"));
        assertOnlyProblem(problems, "a", "closes a cycle a -> a");
    }

    @Test
    void unreachableStep() {
        List<GraphProblem> problems = validate(step("start", "end"), step("orphan", "end"), step("end"));
        assertOnlyProblem(problems, "orphan", "is unreachable", "'start'");
    }

    @Test
    void missingStart() {
        List<GraphProblem> problems = validate(step("begin", "end"), step("end"));
        assertOnlyProblem(problems, null, "no step named 'start'");
    }

    @Test
    void missingEnd() {
        List<GraphProblem> problems = validate(step("start", "a"), step("a", "finish"), step("finish"));
        assertHasProblem(problems, null, "no step named 'end'");
        // 'finish' is where the flow stops, so it is also told it lacks a next step.
        assertHasProblem(problems, "finish", "has no next step");
    }

    @Test
    void endWithNextSteps() {
        List<GraphProblem> problems = validate(step("start", "end"), step("end", "start"));
        assertHasProblem(problems, "end", "cannot have next steps");
    }

    @Test
    void nextStepNamedTwice() {
        List<GraphProblem> problems = validate(step("start", "a", "a"), step("a", "end"), step("end"));
        assertOnlyProblem(problems, "start", "names next step 'a' twice");
    }

    @Test
    void foreachNeverJoined() {
        List<GraphProblem> problems = validate(foreach("start", "items", "work"), step("work", "end"), step("end"));
        assertOnlyProblem(problems, "start", "foreach is never joined");
    }

    @Test
    void staticBranchNeverJoined() {
        List<GraphProblem> problems = validate(step("start", "a", "b"), step("a", "join"), step("b", "join"),
                step("join", "end"), step("end"));
        // join has two predecessors but is not written as a join: both the step and the split are reported.
        assertHasProblem(problems, "join", "is reached from [a, b] but is not a join");
        assertHasProblem(problems, "start", "branch is never joined");
    }

    @Test
    void staticBranchesThatDoNotMeetInOneJoin() {
        // c leaves the split's join j1 behind and reaches j2 on its own.
        List<GraphProblem> problems = validate(step("start", "a", "b", "c"), step("a", "j1"), step("b", "j1"),
                join("j1", "j2"), step("c", "j2"), join("j2", "end"), step("end"));
        assertHasProblem(problems, "start", "branch 'c' never reaches join 'j1'", "same join");
    }

    @Test
    void joinOfBranchesOfDifferentSplits() {
        List<GraphProblem> problems = validate(step("start", "a", "b"), step("a", "c", "d"), step("c", "j"), step("d", "j"),
                step("b", "j"), join("j", "end"), step("end"));
        assertHasProblem(problems, "j", "joins branches of different splits", "each split needs its own join");
    }

    @Test
    void joinReachedFromANonSplit() {
        List<GraphProblem> problems = validate(step("start", "a"), join("a", "end"), step("end"));
        assertOnlyProblem(problems, "a", "is a join", "'start' does not come from a foreach or a static branch");
    }

    @Test
    void startWrittenAsAJoin() {
        List<GraphProblem> problems = validate(join("start", "end"), step("end"));
        assertOnlyProblem(problems, "start", "is a join", "nothing comes before the start step");
    }

    @Test
    void twoPredecessorsButNotAJoin() {
        List<GraphProblem> problems = validate(step("start", "a", "b"), step("a", "c"), step("b", "c"), step("c", "end"), step("end"));
        assertHasProblem(problems, "c", "is reached from [a, b] but is not a join", "Inputs");
    }

    @Test
    void foreachOverMissingField() {
        ArtifactTypes types = field -> ArtifactTypes.Kind.MISSING;
        List<GraphProblem> problems = validate(types, foreach("start", "shards", "work"), step("work", "join"),
                join("join", "end"), step("end"));
        assertOnlyProblem(problems, "start", "foreach names field 'shards'", "does not declare");
    }

    @Test
    void foreachOverFieldThatIsNotAList() {
        ArtifactTypes types = field -> field.equals("shards") ? ArtifactTypes.Kind.OTHER : ArtifactTypes.Kind.LIST;
        List<GraphProblem> problems = validate(types, foreach("start", "shards", "work"), step("work", "join"),
                join("join", "end"), step("end"));
        assertOnlyProblem(problems, "start", "foreach field 'shards' is not a List");
    }

    @Test
    void foreachWithTwoNextSteps() {
        List<GraphProblem> problems = validate(new StepNode("start", List.of("a", "b"), "items", false, null),
                step("a", "join"), step("b", "join"), join("join", "end"), step("end"));
        assertHasProblem(problems, "start", "a foreach needs exactly one next step, found 2");
    }

    @Test
    void foreachStraightToItsJoin() {
        List<GraphProblem> problems = validate(foreach("start", "items", "join"), join("join", "end"), step("end"));
        assertOnlyProblem(problems, "start", "goes straight to join 'join'", "foreach needs a step between");
    }

    @Test
    void staticBranchStraightToItsJoin() {
        List<GraphProblem> problems = validate(step("start", "a", "join"), step("a", "join"), join("join", "end"), step("end"));
        assertOnlyProblem(problems, "start", "goes straight to join 'join'", "branch needs a step between");
    }

    @Test
    void duplicateStepName() {
        List<GraphProblem> problems = validate(step("start", "a"), step("a", "end"), step("a", "end"), step("end"));
        assertOnlyProblem(problems, "a", "is declared twice");
    }

    @Test
    void signatureProblemIsPassedThrough() {
        String signature = "a join step takes exactly one Inputs<...> parameter, found 2 parameters";
        List<GraphProblem> problems = validate(step("start", "a"),
                new StepNode("a", List.of("end"), null, false, signature), step("end"));
        assertThat(problems).containsExactly(new GraphProblem("a", signature));
    }

    @Test
    void foreachInsideBranchNotClosedBeforeTheStaticJoin() {
        List<GraphProblem> problems = validate(step("start", "a", "b"), foreach("a", "items", "w"), step("w", "j"),
                step("b", "j"), join("j", "end"), step("end"));
        assertHasProblem(problems, "j", "joins branches of different splits [a, start]");
    }

    @Test
    void foreachJoinedFromSeveralSteps() {
        List<GraphProblem> problems = validate(foreach("start", "items", "s"), step("s", "a", "b"), step("a", "j"),
                step("b", "j"), join("j", "end"), step("end"));
        // j closes the static split, so the foreach stays open at end.
        assertHasProblem(problems, "start", "foreach is never joined");
    }

    @Test
    void validationExceptionListsEveryProblemAndTheFlow() {
        List<StepNode> nodes = List.of(foreach("start", "items", "join"), join("join", "x"), step("end"));
        assertThatThrownBy(() -> FlowGraph.of("TrainFlow", nodes, ArtifactTypes.UNKNOWN))
                .isInstanceOf(GraphValidationException.class)
                .hasMessageContaining("Flow TrainFlow is not valid")
                .hasMessageContaining("step 'join': names next step 'x'")
                .satisfies(e -> assertThat(((GraphValidationException) e).problems()).isNotEmpty());
    }

    @Test
    void problemToStringNamesTheStep() {
        assertThat(new GraphProblem("train", "is broken")).hasToString("step 'train': is broken");
        assertThat(new GraphProblem(null, "no start")).hasToString("no start");
    }

    // ---- valid graphs ----

    private static void assertValid(StepNode... steps) {
        assertThat(validate(steps)).isEmpty();
        FlowGraph graph = FlowGraph.of("F", List.of(steps), ArtifactTypes.UNKNOWN);
        assertThat(graph.topologicalOrder()).hasSize(steps.length).startsWith("start").endsWith("end");
    }

    @Test
    void validLinear() {
        assertValid(step("start", "a"), step("a", "b"), step("b", "end"), step("end"));
    }

    @Test
    void validMinimal() {
        assertValid(step("start", "end"), step("end"));
    }

    @Test
    void validStaticBranchAndJoin() {
        assertValid(step("start", "a", "b", "c"), step("a", "join"), step("b", "b2"), step("b2", "join"), step("c", "join"),
                join("join", "end"), step("end"));
    }

    @Test
    void validForeachAndJoin() {
        assertValid(foreach("start", "items", "work"), step("work", "join"), join("join", "end"), step("end"));
    }

    @Test
    void validNestedForeach() {
        assertValid(step("start", "outer"), foreach("outer", "regions", "prep"), foreach("prep", "shards", "work"),
                step("work", "innerJoin"), join("innerJoin", "outerJoin"), join("outerJoin", "end"), step("end"));
    }

    @Test
    void validStaticBranchInsideForeachBody() {
        assertValid(foreach("start", "items", "split"), step("split", "a", "b"), step("a", "branchJoin"), step("b", "branchJoin"),
                join("branchJoin", "foreachJoin"), join("foreachJoin", "end"), step("end"));
    }

    @Test
    void validForeachInsideStaticBranch() {
        assertValid(step("start", "a", "b"), foreach("a", "items", "w"), step("w", "fj"), join("fj", "j"), step("b", "j"),
                join("j", "end"), step("end"));
    }

    @Test
    void validJoinThatIsTheEnd() {
        assertValid(foreach("start", "items", "work"), step("work", "end"), join("end"));
    }

    @Test
    void declarationOrderDoesNotMatter() {
        List<StepNode> nodes = List.of(join("join", "end"), step("end"), step("work", "join"), foreach("start", "items", "work"));
        assertThat(new GraphValidator().validate(nodes, ArtifactTypes.UNKNOWN)).isEmpty();
        assertThat(FlowGraph.of("F", nodes, ArtifactTypes.UNKNOWN).topologicalOrder()).containsExactly("start", "work", "join", "end");
    }
}
