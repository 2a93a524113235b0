package io.stratoflow.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowGraphProcessorTest {

    private static final String IMPORTS = "import io.stratoflow.api.*;\nimport java.util.*;\n\n";

    @TempDir
    Path out;

    private InMemoryCompiler.Result compile(String className, String body) {
        return InMemoryCompiler.compile(className, IMPORTS + body, out);
    }

    /**
     * Asserts that compilation failed with a Stratoflow error containing the step name and every
     * phrase, on the line that declares {@code method} (or the class, when method is null).
     */
    private static void assertError(InMemoryCompiler.Result result, String step, String method, String... phrases) {
        assertThat(result.success()).as("compilation should fail:\n%s", result).isFalse();
        assertThat(result.errors()).as("errors:\n%s", result).anySatisfy(error -> {
            String message = error.getMessage(Locale.ROOT);
            assertThat(message).startsWith("Stratoflow: ");
            if (step != null) {
                assertThat(message).contains("step '" + step + "'");
            }
            assertThat(message).contains(phrases);
            String line = result.lineOf(error);
            if (method != null) {
                assertThat(line).contains(" " + method + "(");
            } else {
                assertThat(line).contains("class ");
            }
        });
    }

    private static void assertCompiles(InMemoryCompiler.Result result) {
        assertThat(result.errors()).as("errors:\n%s", result).isEmpty();
        assertThat(result.success()).isTrue();
    }

    @Nested
    class ValidFlows {

        @Test
        void linearStaticBranchForeachAndNestedForeachCompile() {
            InMemoryCompiler.Result result = compile("AllShapesFlow", """
                    public class AllShapesFlow extends FlowSpec {
                        @Parameter(help = "how many")
                        int count = 3;
                        List<String> models;
                        ArrayList<Integer> seeds;
                        TaskFailure failure;
                        String score;

                        @Step(next = "prepare")
                        public void start() { }

                        @Step(next = {"left", "right"})
                        @Resources(cpu = 0.5, memory = 512, gpu = 0, disk = 0)
                        public void prepare() { }

                        @Step(next = "meet")
                        @Retry(times = 0)
                        public void left() { }

                        @Step(next = "meet")
                        @Catch(var = "failure")
                        @Timeout(minutes = 5)
                        public void right() { }

                        @Step(next = "fan")
                        public void meet(Inputs<AllShapesFlow> inputs) { }

                        @Step(next = "train", foreach = "models")
                        public void fan() { models = List.of("a", "b"); }

                        @Step(next = "fit", foreach = "seeds")
                        public void train() { seeds = new ArrayList<>(List.of(1, 2)); }

                        @Step(next = "innerJoin")
                        @Catch
                        public void fit() { }

                        @Step(next = "outerJoin")
                        public void innerJoin(Inputs<AllShapesFlow> inputs) { }

                        @Step(next = "end")
                        public void outerJoin(Inputs<AllShapesFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertCompiles(result);
            assertThat(result.warnings()).isEmpty();
        }

        @Test
        void foreachOverAListFieldOfASuperclass() {
            InMemoryCompiler.Result result = compile("ChildFlow", """
                    abstract class BaseFlow extends FlowSpec {
                        protected List<String> items = List.of("x");
                    }

                    public class ChildFlow extends BaseFlow {
                        @Step(next = "each", foreach = "items")
                        public void start() { }

                        @Step(next = "join")
                        public void each() { }

                        @Step(next = "end")
                        public void join(Inputs<ChildFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertCompiles(result);
        }

        @Test
        void stepsInheritedFromAnAbstractBaseFlow() {
            InMemoryCompiler.Result result = compile("ConcreteFlow", """
                    abstract class TemplateFlow extends FlowSpec {
                        @Step(next = "work")
                        public void start() { }

                        @Step(next = "nowhere")
                        public void work() { }

                        @Step
                        public void end() { }
                    }

                    public class ConcreteFlow extends TemplateFlow {
                        @Override
                        @Step(next = "end")
                        public void work() { }
                    }

                    class NoStepsOfItsOwnFlow extends ConcreteFlow {
                    }
                    """);
            // The abstract template alone would be invalid, but it is not a flow; the subclasses
            // are, and the override of work() fixes the graph.
            assertCompiles(result);
        }

        @Test
        void stepsOutsideAFlowOnlyWarn() {
            InMemoryCompiler.Result result = compile("NotAFlow", """
                    public class NotAFlow {
                        @Step(next = "nowhere")
                        public void start() { }
                    }
                    """);
            assertCompiles(result);
            assertThat(result.warnings()).singleElement()
                    .satisfies(w -> assertThat(w.getMessage(Locale.ROOT)).contains("NotAFlow", "does not extend io.stratoflow.api.FlowSpec"));
        }
    }

    @Nested
    class GraphErrors {

        @Test
        void unknownNextStep() {
            InMemoryCompiler.Result result = compile("TypoFlow", """
                    public class TypoFlow extends FlowSpec {
                        @Step(next = "train")
                        public void start() { }

                        @Step(next = "trian")
                        public void train() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "train", "train", "names next step 'trian', which does not exist", "[end, start, train]");
        }

        @Test
        void cycle() {
            InMemoryCompiler.Result result = compile("CycleFlow", """
                    public class CycleFlow extends FlowSpec {
                        @Step(next = "a")
                        public void start() { }

                        @Step(next = "b")
                        public void a() { }

                        @Step(next = "a")
                        public void b() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "b", "b", "closes a cycle a -> b -> a");
        }

        @Test
        void unreachableStep() {
            InMemoryCompiler.Result result = compile("OrphanFlow", """
                    public class OrphanFlow extends FlowSpec {
                        @Step(next = "end")
                        public void start() { }

                        @Step(next = "end")
                        public void orphan() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "orphan", "orphan", "is unreachable");
            assertThat(result.errors()).hasSize(1);
        }

        @Test
        void missingStartIsReportedOnTheClass() {
            InMemoryCompiler.Result result = compile("NoStartFlow", """
                    public class NoStartFlow extends FlowSpec {
                        @Step(next = "end")
                        public void begin() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, null, null, "no step named 'start'");
            assertThat(result.lineOf(result.errors().get(0))).contains("class NoStartFlow");
        }

        @Test
        void missingEnd() {
            InMemoryCompiler.Result result = compile("NoEndFlow", """
                    public class NoEndFlow extends FlowSpec {
                        @Step(next = "finish")
                        public void start() { }

                        @Step
                        public void finish() { }
                    }
                    """);
            assertError(result, null, null, "no step named 'end'");
            assertError(result, "finish", "finish", "has no next step");
        }

        @Test
        void foreachWithoutJoin() {
            InMemoryCompiler.Result result = compile("UnjoinedFlow", """
                    public class UnjoinedFlow extends FlowSpec {
                        List<String> items = List.of("a");

                        @Step(next = "each", foreach = "items")
                        public void start() { }

                        @Step(next = "end")
                        public void each() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "foreach is never joined");
        }

        @Test
        void joinTakingAListInsteadOfInputs() {
            InMemoryCompiler.Result result = compile("ListJoinFlow", """
                    public class ListJoinFlow extends FlowSpec {
                        List<String> items = List.of("a");

                        @Step(next = "each", foreach = "items")
                        public void start() { }

                        @Step(next = "join")
                        public void each() { }

                        @Step(next = "end")
                        public void join(List<ListJoinFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "join", "join", "join step must take exactly one Inputs<...> parameter",
                    "found (java.util.List<ListJoinFlow>)");
        }

        @Test
        void stepTakingInputsThatIsNotAJoin() {
            InMemoryCompiler.Result result = compile("FakeJoinFlow", """
                    public class FakeJoinFlow extends FlowSpec {
                        @Step(next = "middle")
                        public void start() { }

                        @Step(next = "end")
                        public void middle(Inputs<FakeJoinFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "middle", "middle", "is a join (it takes Inputs) but 'start' does not come from a foreach");
        }

        @Test
        void stepReachedFromABranchThatIsNotAJoin() {
            InMemoryCompiler.Result result = compile("NoJoinFlow", """
                    public class NoJoinFlow extends FlowSpec {
                        @Step(next = {"a", "b"})
                        public void start() { }

                        @Step(next = "meet")
                        public void a() { }

                        @Step(next = "meet")
                        public void b() { }

                        @Step(next = "end")
                        public void meet() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "meet", "meet", "is reached from [a, b] but is not a join");
        }

        @Test
        void foreachOverAFieldThatIsNotAList() {
            InMemoryCompiler.Result result = compile("SetFlow", """
                    public class SetFlow extends FlowSpec {
                        Set<String> items = Set.of("a");

                        @Step(next = "each", foreach = "items")
                        public void start() { }

                        @Step(next = "join")
                        public void each() { }

                        @Step(next = "end")
                        public void join(Inputs<SetFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "foreach field 'items' is not a List");
        }

        @Test
        void foreachOverAMissingField() {
            InMemoryCompiler.Result result = compile("MissingFieldFlow", """
                    public class MissingFieldFlow extends FlowSpec {
                        List<String> items = List.of("a");
                        static List<String> shared = List.of("a");

                        @Step(next = "each", foreach = "shared")
                        public void start() { }

                        @Step(next = "join")
                        public void each() { }

                        @Step(next = "end")
                        public void join(Inputs<MissingFieldFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            // A static field is not an artifact, so for the graph it does not exist.
            assertError(result, "start", "start", "foreach names field 'shared', which the flow does not declare");
        }

        @Test
        void overloadedStepIsReportedOnTheSecondDeclaration() {
            InMemoryCompiler.Result result = compile("OverloadFlow", """
                    public class OverloadFlow extends FlowSpec {
                        @Step(next = "end")
                        public void start() { }

                        @Step(next = "end")
                        public void start(Inputs<OverloadFlow> inputs) { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "is declared twice");
            assertThat(result.lineOf(result.errors().get(0))).contains("Inputs<OverloadFlow>");
        }

        @Test
        void problemOfAnInheritedStepIsReportedOnTheFlow() {
            InMemoryCompiler.Result result = compile("InheritingFlow", """
                    abstract class BrokenTemplateFlow extends FlowSpec {
                        @Step(next = "nowhere")
                        public void start() { }

                        @Step
                        @Retry(times = -2)
                        public void end() { }
                    }

                    public class InheritingFlow extends BrokenTemplateFlow {
                    }

                    class OtherInheritingFlow extends BrokenTemplateFlow {
                    }
                    """);
            assertError(result, "start", null, "names next step 'nowhere'",
                    "(declared in BrokenTemplateFlow, inherited by flow InheritingFlow)");
            assertError(result, "end", null, "@Retry: times=-2", "inherited by flow OtherInheritingFlow");
            assertThat(result.errors()).hasSize(4);
        }

        @Test
        void everyProblemOfAFlowIsReported() {
            InMemoryCompiler.Result result = compile("ManyProblemsFlow", """
                    public class ManyProblemsFlow extends FlowSpec {
                        @Step(next = "nowhere")
                        public void start() { }

                        @Step(next = "elsewhere")
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "names next step 'nowhere'");
            assertError(result, "end", "end", "the end step cannot have next steps");
        }
    }

    @Nested
    class SignatureErrors {

        @Test
        void stepMustBePublicNonStaticAndVoid() {
            InMemoryCompiler.Result result = compile("SignatureFlow", """
                    public class SignatureFlow extends FlowSpec {
                        @Step(next = "a")
                        void start() { }

                        @Step(next = "b")
                        public static void a() { }

                        @Step(next = "end")
                        public int b() { return 1; }

                        @Step
                        public void end(int x, String y) { }
                    }
                    """);
            assertError(result, "start", "start", "a step method must be public");
            assertError(result, "a", "a", "a step method must not be static");
            assertError(result, "b", "b", "a step method must return void, found int");
            assertError(result, "end", "end", "found (int, java.lang.String)");
        }
    }

    @Nested
    class DecoratorErrors {

        private static final String STEPS = """
                    @Step(next = "end")
                    public void start() { }

                    @Step
                    public void end() { }
                """;

        @Test
        void catchVarOfTheWrongType() {
            InMemoryCompiler.Result result = compile("CatchFlow", """
                    public class CatchFlow extends FlowSpec {
                        String failure;

                        @Step(next = "train")
                        public void start() { }

                        @Step(next = "end")
                        @Catch(var = "failure")
                        public void train() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "train", "train", "@Catch(var=\"failure\")", "of type java.lang.String", "io.stratoflow.api.TaskFailure");
        }

        @Test
        void catchVarThatIsNotAField() {
            InMemoryCompiler.Result result = compile("CatchMissingFlow", """
                    public class CatchMissingFlow extends FlowSpec {
                        transient TaskFailure failure;

                        @Step(next = "end")
                        @Catch(var = "failure")
                        public void start() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "@Catch(var=\"failure\") names a field the flow does not declare");
        }

        @Test
        void resourcesWithNoMemory() {
            InMemoryCompiler.Result result = compile("MemoryFlow", """
                    public class MemoryFlow extends FlowSpec {
                        @Step(next = "train")
                        public void start() { }

                        @Step(next = "end")
                        @Resources(memory = 0)
                        public void train() { }

                        @Step
                        public void end() { }
                    }
                    """);
            assertError(result, "train", "train", "@Resources", "memory=0");
            assertThat(result.errors()).hasSize(1);
        }

        @Test
        void resourcesRetryAndTimeoutOutOfRange() {
            InMemoryCompiler.Result result = compile("RangesFlow", """
                    public class RangesFlow extends FlowSpec {
                        @Step(next = "train")
                        @Resources(cpu = 0, gpu = -1, disk = -2)
                        public void start() { }

                        @Step(next = "end")
                        @Retry(times = -1)
                        @Timeout(minutes = -1, seconds = 30)
                        public void train() { }

                        @Step
                        @Timeout
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "cpu=0", "gpu=-1", "disk=-2");
            assertError(result, "train", "train", "@Retry: times=-1");
            assertError(result, "train", "train", "@Timeout(seconds=30, minutes=-1, hours=0) adds up to -30 seconds");
            assertError(result, "end", "end", "@Timeout(seconds=0, minutes=0, hours=0) adds up to 0 seconds");
        }

        @Test
        void environmentAndNodeSelectorEntriesAreKeyValuePairs() {
            InMemoryCompiler.Result result = compile("EnvFlow", """
                    public class EnvFlow extends FlowSpec {
                        @Step(next = "end")
                        @Environment(vars = {"MODE=fast", "VERBOSE"})
                        @Retry(times = 1, minutesBetweenRetries = -1)
                        public void start() { }

                        @Step
                        @Kubernetes(nodeSelector = "gpu")
                        public void end() { }
                    }
                    """);
            assertError(result, "start", "start", "@Environment(vars) entry 'VERBOSE' is not of the form key=value");
            assertError(result, "start", "start", "@Retry: minutesBetweenRetries=-1 must not be negative");
            assertError(result, "end", "end", "@Kubernetes(nodeSelector) entry 'gpu'");
        }

        @Test
        void parameterFieldsMustBeNeitherStaticNorFinal() {
            InMemoryCompiler.Result result = compile("ParameterFlow", """
                    public class ParameterFlow extends FlowSpec {
                        @Parameter
                        static int alpha = 1;

                        @Parameter
                        final String beta = "b";

                        @Parameter
                        int gamma = 3;

                    """ + STEPS + """
                    }
                    """);
            assertThat(result.success()).isFalse();
            assertThat(result.errors()).hasSize(2);
            assertThat(result.errors()).anySatisfy(e -> {
                assertThat(e.getMessage(Locale.ROOT)).contains("@Parameter field 'alpha' must not be static");
                assertThat(result.lineOf(e)).contains("alpha");
            });
            assertThat(result.errors()).anySatisfy(e -> {
                assertThat(e.getMessage(Locale.ROOT)).contains("@Parameter field 'beta' must not be final");
                assertThat(result.lineOf(e)).contains("beta");
            });
        }
    }

    @Test
    void diagnosticsAreErrorsOnTheFlowSource() {
        InMemoryCompiler.Result result = compile("SourceFlow", """
                public class SourceFlow extends FlowSpec {
                    @Step(next = "end")
                    public void start() { }
                }
                """);
        Diagnostic<? extends JavaFileObject> error = result.errors().get(0);
        assertThat(error.getSource().getName()).endsWith("SourceFlow.java");
        assertThat(error.getMessage(Locale.ROOT)).isEqualTo(
                "Stratoflow: the flow has no step named 'end'; every flow finishes with a @Step method end()");
    }
}
