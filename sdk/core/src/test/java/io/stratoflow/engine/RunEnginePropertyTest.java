package io.stratoflow.engine;

import io.stratoflow.engine.Action.CloneTask;
import io.stratoflow.engine.Action.FinishRun;
import io.stratoflow.engine.Action.KillTask;
import io.stratoflow.engine.Action.RecordCaughtFailure;
import io.stratoflow.engine.Action.StartTask;
import io.stratoflow.engine.Observation.TaskFailed;
import io.stratoflow.engine.Observation.TaskSucceeded;
import io.stratoflow.graph.ArtifactTypes;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.graph.FlowGraph.StepInfo;
import io.stratoflow.graph.StepNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random graphs (chains, static splits, foreach, nested up to three foreach deep), random
 * cardinalities, random completion orders, retries, caught failures and stale reports: the
 * engine's invariants hold at every decision, and the run does exactly the work the graph
 * implies.
 */
class RunEnginePropertyTest {

    // ---- the generated flow, as a tree ----

    sealed interface Element permits Linear, Split, Foreach {
        String name();
    }

    record Linear(String name) implements Element {
    }

    record Split(String name, List<List<Element>> branches, String join) implements Element {
    }

    record Foreach(String name, List<Element> body, String join) implements Element {
    }

    /** A generated flow and what is known about it independently of FlowGraph. */
    static final class GeneratedFlow {
        final long seed;
        final List<Element> top = new ArrayList<>();
        final List<StepNode> nodes = new ArrayList<>();
        final Map<String, Integer> depth = new HashMap<>();
        final Map<String, String> enclosing = new HashMap<>();
        final Map<String, String> joinOf = new HashMap<>();
        final Set<String> foreachSteps = new HashSet<>();
        int maxForeachDepth;
        boolean staticInsideForeach;

        GeneratedFlow(long seed) {
            this.seed = seed;
        }

        /** The foreach cardinality of {@code step}'s task at {@code path}: a pure function, 1..30 at the top, fewer deeper. */
        int cardinality(String step, IndexPath path) {
            int cap = switch (path.depth()) {
                case 0 -> 30;
                case 1 -> 6;
                default -> 3;
            };
            long h = seed * 1_000_003L + step.hashCode() * 31L + path.hashCode();
            return 1 + new Random(h).nextInt(cap);
        }

        /** How many tasks the flow runs, computed from the tree, not from the engine. */
        long expectedTasks() {
            return count(top, IndexPath.ROOT);
        }

        private long count(List<Element> seq, IndexPath path) {
            long total = 0;
            for (Element element : seq) {
                if (element instanceof Linear) {
                    total += 1;
                } else if (element instanceof Split split) {
                    total += 2;
                    for (List<Element> branch : split.branches()) {
                        total += count(branch, path);
                    }
                } else if (element instanceof Foreach foreach) {
                    total += 2;
                    int n = cardinality(foreach.name(), path);
                    for (int i = 0; i < n; i++) {
                        total += count(foreach.body(), path.child(i));
                    }
                }
            }
            return total;
        }
    }

    static final class Generator {
        /** Keeps graphs to a few dozen steps: past this many names, only linear steps are added. */
        private static final int MAX_NAMES = 40;
        private final Random random;
        private final GeneratedFlow flow;
        private int counter;

        Generator(long seed) {
            this.random = new Random(seed);
            this.flow = new GeneratedFlow(seed);
        }

        GeneratedFlow generate() {
            flow.top.add(element("start", 0, 0));
            int more = random.nextInt(4);
            for (int i = 0; i < more; i++) {
                flow.top.add(element(fresh("s"), 0, 0));
            }
            Element last = flow.top.get(flow.top.size() - 1);
            if (!(last instanceof Linear) && random.nextInt(3) == 0) {
                // The last split's join is the end step itself.
                flow.top.set(flow.top.size() - 1, last instanceof Split s
                        ? new Split(s.name(), s.branches(), "end") : new Foreach(last.name(), ((Foreach) last).body(), "end"));
                flow.joinOf.remove(last instanceof Split s ? s.join() : ((Foreach) last).join());
                flow.joinOf.put("end", last.name());
            } else {
                flow.top.add(new Linear("end"));
            }
            build(flow.top, null, 0, null, false);
            Collections.shuffle(flow.nodes, random);
            return flow;
        }

        private String fresh(String prefix) {
            return prefix + (counter++);
        }

        private Element element(String name, int foreachDepth, int nesting) {
            int choice = random.nextInt(10);
            if (choice < 4 || nesting >= 4 || counter > MAX_NAMES) {
                return new Linear(name);
            }
            if (choice < 7 && foreachDepth < 3) {
                String join = fresh("j");
                flow.joinOf.put(join, name);
                return new Foreach(name, sequence(foreachDepth + 1, nesting + 1), join);
            }
            String join = fresh("j");
            flow.joinOf.put(join, name);
            int branches = 2 + random.nextInt(2);
            List<List<Element>> list = new ArrayList<>();
            for (int b = 0; b < branches; b++) {
                list.add(sequence(foreachDepth, nesting + 1));
            }
            return new Split(name, list, join);
        }

        private List<Element> sequence(int foreachDepth, int nesting) {
            int length = 1 + random.nextInt(3);
            List<Element> seq = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                seq.add(element(fresh("s"), foreachDepth, nesting));
            }
            return seq;
        }

        /** Adds the nodes of {@code seq}, whose last element goes to {@code after} (null: nowhere). */
        private void build(List<Element> seq, String after, int depth, String enclosing, boolean inForeach) {
            for (int i = 0; i < seq.size(); i++) {
                Element element = seq.get(i);
                String next = i + 1 < seq.size() ? seq.get(i + 1).name() : after;
                List<String> nextList = next == null ? List.of() : List.of(next);
                record(element.name(), depth, enclosing);
                if (element instanceof Linear) {
                    flow.nodes.add(new StepNode(element.name(), nextList, null, false, null));
                } else if (element instanceof Split split) {
                    flow.nodes.add(new StepNode(split.name(), split.branches().stream().map(b -> b.get(0).name()).toList(), null, false, null));
                    flow.staticInsideForeach |= inForeach;
                    for (List<Element> branch : split.branches()) {
                        build(branch, split.join(), depth, enclosing, inForeach);
                    }
                    flow.nodes.add(new StepNode(split.join(), nextList, null, true, null));
                    record(split.join(), depth, enclosing);
                } else if (element instanceof Foreach foreach) {
                    flow.nodes.add(new StepNode(foreach.name(), List.of(foreach.body().get(0).name()), "items", false, null));
                    flow.foreachSteps.add(foreach.name());
                    flow.maxForeachDepth = Math.max(flow.maxForeachDepth, depth + 1);
                    build(foreach.body(), foreach.join(), depth + 1, foreach.name(), true);
                    flow.nodes.add(new StepNode(foreach.join(), nextList, null, true, null));
                    record(foreach.join(), depth, enclosing);
                }
            }
        }

        private void record(String name, int depth, String enclosing) {
            flow.depth.put(name, depth);
            if (enclosing != null) {
                flow.enclosing.put(name, enclosing);
            }
        }
    }

    private static final int TWIN_ROUNDS = 60;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 300);
    }

    @Test
    void generatorCoversWhatItClaims() {
        int depth3 = 0;
        int staticInForeach = 0;
        int endIsJoin = 0;
        for (long seed : seeds().toArray()) {
            GeneratedFlow flow = new Generator(seed).generate();
            depth3 += flow.maxForeachDepth == 3 ? 1 : 0;
            staticInForeach += flow.staticInsideForeach ? 1 : 0;
            endIsJoin += flow.joinOf.containsKey("end") ? 1 : 0;
        }
        assertThat(depth3).isGreaterThan(10);
        assertThat(staticInForeach).isGreaterThan(20);
        assertThat(endIsJoin).isGreaterThan(10);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void generatedGraphsRunCorrectly(long seed) {
        GeneratedFlow flow = new Generator(seed).generate();
        FlowGraph graph = FlowGraph.of("Generated" + seed, flow.nodes, ArtifactTypes.UNKNOWN);
        checkGraphAgainstTree(graph, flow);
        Random random = new Random(seed * 7919);
        boolean fatalFailures = random.nextInt(3) == 0;
        Simulation first = new Simulation(graph, flow, random, fatalFailures, null);
        first.run();
        if (first.fatallyFailed != null) {
            // Resume the failed run, from its state as stored, either cloning all it can or rerunning from some step on.
            RunState origin = EngineDriver.roundTrip(first.state);
            Set<String> rerun = Set.of();
            if (random.nextBoolean()) {
                List<String> order = graph.topologicalOrder();
                rerun = Set.copyOf(graph.reachableFrom(order.get(random.nextInt(order.size()))));
            }
            Simulation resumed = new Simulation(graph, flow, random, false, new RunEngine.ResumePlan(origin, rerun));
            resumed.run();
            assertThat(resumed.cloned).allSatisfy(task -> assertThat(origin.succeeded(task)).isTrue());
        }
    }

    private static void checkGraphAgainstTree(FlowGraph graph, GeneratedFlow flow) {
        assertThat(graph.topologicalOrder()).hasSize(flow.nodes.size());
        for (String name : graph.topologicalOrder()) {
            StepInfo info = graph.step(name);
            assertThat(info.foreachDepth()).as("depth of %s", name).isEqualTo(flow.depth.get(name));
            assertThat(info.enclosingForeach()).as("enclosing foreach of %s", name).isEqualTo(flow.enclosing.get(name));
            assertThat(info.joins()).as("split joined by %s", name).isEqualTo(flow.joinOf.get(name));
            assertThat(info.joinsForeach()).isEqualTo(info.joins() != null && flow.foreachSteps.contains(info.joins()));
            assertThat(info.kind() == FlowGraph.Kind.FOREACH).isEqualTo(flow.foreachSteps.contains(name));
        }
    }

    /** An executor with a random mind. */
    static final class Simulation {
        final FlowGraph graph;
        final GeneratedFlow flow;
        final Random random;
        final boolean fatalFailures;
        final int maxWorkers;
        final Map<String, StepPolicy> policies = new HashMap<>();
        final RunEngine engine;
        RunState state;
        /** A second state, read back from JSON mid-run, that must decide exactly as the first. */
        RunState twin;

        final Map<TaskKey, Integer> running = new LinkedHashMap<>();
        final Set<TaskKey> done = new HashSet<>();
        final Set<String> startedAttempts = new HashSet<>();
        final Set<TaskKey> startedTasks = new HashSet<>();
        final Map<TaskKey, Integer> joinInputUses = new HashMap<>();
        final Set<TaskKey> joinsSeen = new HashSet<>();
        final List<Observation> history = new ArrayList<>();
        final Map<TaskKey, Integer> reportedThisRound = new HashMap<>();
        FinishRun finish;
        int finishes;
        TaskKey fatallyFailed;
        long now;

        final RunEngine.ResumePlan resume;
        final Set<TaskKey> cloned = new HashSet<>();
        /** Which join task took each task as an input. */
        final Map<TaskKey, TaskKey> consumedBy = new HashMap<>();

        Simulation(FlowGraph graph, GeneratedFlow flow, Random random, boolean fatalFailures, RunEngine.ResumePlan resume) {
            this.resume = resume;
            this.graph = graph;
            this.flow = flow;
            this.random = random;
            this.fatalFailures = fatalFailures;
            this.maxWorkers = 1 + random.nextInt(8);
            for (String step : graph.topologicalOrder()) {
                if (random.nextInt(3) == 0) {
                    boolean catches = random.nextInt(3) == 0 && graph.step(step).kind() != FlowGraph.Kind.FOREACH;
                    policies.put(step, new StepPolicy(1 + random.nextInt(2), random.nextInt(3) * 25L, 0, catches));
                }
            }
            this.engine = new RunEngine(graph, policies, resume);
            this.state = new RunState(maxWorkers, 1000);
        }

        void run() {
            Decision decision = decide(List.of());
            int twinRound = random.nextInt(40);
            for (int round = 0; finishes == 0; round++) {
                reportedThisRound.clear();
                assertThat(round).as("the run does not end").isLessThan(1_000_000);
                List<Observation> observations = new ArrayList<>();
                if (running.isEmpty()) {
                    assertThat(decision.wakeUpAtMillis()).as("nothing runs and the engine waits for nothing").isNotEqualTo(Long.MAX_VALUE);
                    assertThat(decision.wakeUpAtMillis()).isGreaterThan(now);
                    now = decision.wakeUpAtMillis();
                } else {
                    complete(observations);
                    now += random.nextInt(20);
                }
                decision = decide(observations);
                if (round == twinRound) {
                    // Read the state back from JSON and check, for a while, that it decides exactly as the original.
                    twin = EngineDriver.roundTrip(state);
                } else if (round == twinRound + TWIN_ROUNDS) {
                    assertThat(EngineDriver.json(twin)).isEqualTo(EngineDriver.json(state));
                    twin = null;
                    twinRound += TWIN_ROUNDS + 1 + random.nextInt(200);
                }
            }
            // Once over, nothing more happens.
            Decision after = engine.decide(state, history.subList(Math.max(0, history.size() - 3), history.size()), now + 1000);
            assertThat(after.actions()).isEmpty();
            assertThat(after.wakeUpAtMillis()).isEqualTo(Long.MAX_VALUE);
            assertThat(finishes).isEqualTo(1);
            assertThat(state.phase()).isEqualTo(finish.phase());
            assertThat(running).isEmpty();
            assertThat(state.running()).isEmpty();
            assertThat(state.retrying()).isEmpty();
            if (fatallyFailed == null) {
                checkSuccessfulRun();
            } else {
                assertThat(finish.phase()).isEqualTo(RunPhase.FAILED);
                assertThat(finish.message()).contains("'" + fatallyFailed.step() + "'", "task " + fatallyFailed);
            }
        }

        private void checkSuccessfulRun() {
            assertThat(finish).isEqualTo(new FinishRun(RunPhase.SUCCEEDED, null));
            long expected = flow.expectedTasks();
            assertThat(done).as("tasks done").hasSize((int) expected);
            assertThat(startedTasks.size() + cloned.size()).as("tasks started or cloned").isEqualTo(expected);
            Set<TaskKey> union = new HashSet<>(startedTasks);
            union.addAll(cloned);
            assertThat(union).isEqualTo(done);
            long counted = 0;
            for (StepState step : state.steps().values()) {
                counted += step.succeededCount();
            }
            assertThat(counted).as("tasks the state counts").isEqualTo(expected);
            // (c) every task that feeds a join is an input of exactly one join task, once: the one that closes its split.
            for (TaskKey task : done) {
                String join = graph.step(task.step()).next().stream().filter(n -> graph.step(n).isJoin()).findFirst().orElse(null);
                TaskKey consumer = join == null ? null
                        : new TaskKey(join, graph.step(join).joinsForeach() ? task.path().parent() : task.path());
                if (consumer == null || cloned.contains(consumer)) {
                    assertThat(joinInputUses.getOrDefault(task, 0)).as("uses of %s by joins", task).isZero();
                } else {
                    assertThat(joinInputUses.getOrDefault(task, 0)).as("uses of %s by joins", task).isEqualTo(1);
                    assertThat(consumedBy.get(task)).as("join of %s", task).isEqualTo(consumer);
                }
            }
            assertThat(done).containsAll(joinInputUses.keySet());
        }

        /** Completes a random non-empty subset of the running tasks, and sometimes repeats an old report. */
        private void complete(List<Observation> observations) {
            List<TaskKey> keys = new ArrayList<>(running.keySet());
            Collections.shuffle(keys, random);
            int count = 1 + random.nextInt(keys.size());
            for (TaskKey task : keys.subList(0, count)) {
                int attempt = running.remove(task);
                reportedThisRound.put(task, attempt);
                StepPolicy policy = policies.getOrDefault(task.step(), StepPolicy.DEFAULT);
                boolean isForeach = graph.step(task.step()).kind() == FlowGraph.Kind.FOREACH;
                boolean canFailSafely = attempt < policy.retries() || policy.catchesFailure();
                Observation observation;
                if (random.nextInt(6) == 0 && (canFailSafely || (fatalFailures && fatallyFailed == null))) {
                    observation = new TaskFailed(task, attempt, "injected failure of " + task + " #" + attempt);
                    if (!canFailSafely) {
                        fatallyFailed = task;
                    }
                } else {
                    observation = new TaskSucceeded(task, attempt, isForeach ? flow.cardinality(task.step(), task.path()) : null);
                    done.add(task);
                }
                observations.add(observation);
            }
            if (!history.isEmpty() && random.nextInt(4) == 0) {
                observations.add(history.get(random.nextInt(history.size())));
            }
            if (random.nextInt(8) == 0) {
                // A report for an attempt that never ran.
                TaskKey any = keys.get(0);
                observations.add(new TaskSucceeded(any, 7, null));
            }
            Collections.shuffle(observations, random);
            history.addAll(observations);
        }

        private Decision decide(List<Observation> observations) {
            Decision decision = engine.decide(state, observations, now);
            if (twin != null) {
                Decision twinDecision = engine.decide(twin, observations, now);
                assertThat(twinDecision).as("decision from the state read back from JSON").isEqualTo(decision);
            }
            for (Action action : decision.actions()) {
                assertThat(finishes).as("%s after the run finished", action).isZero();
                if (action instanceof StartTask start) {
                    onStart(start);
                } else if (action instanceof KillTask kill) {
                    // A task reported in the same batch as a fatal failure, but after it, is still running for the engine.
                    Integer attempt = running.containsKey(kill.task()) ? running.remove(kill.task()) : reportedThisRound.get(kill.task());
                    assertThat(attempt).as("kill of %s", kill.task()).isEqualTo(kill.attempt());
                    assertThat(fatallyFailed).as("kill of %s in a run that does not fail", kill.task()).isNotNull();
                } else if (action instanceof RecordCaughtFailure caught) {
                    assertThat(policies.get(caught.task().step()).catchesFailure()).isTrue();
                    assertThat(done.add(caught.task())).as("caught twice: %s", caught.task()).isTrue();
                } else if (action instanceof FinishRun f) {
                    finishes++;
                    finish = f;
                } else if (action instanceof CloneTask clone) {
                    assertThat(resume).as("clone without a resume: %s", clone).isNotNull();
                    assertThat(resume.origin().succeeded(clone.task())).as("clone of %s, which did not succeed", clone.task()).isTrue();
                    assertThat(resume.rerunSteps()).doesNotContain(clone.task().step());
                    assertThat(done.add(clone.task())).as("cloned after it was done: %s", clone.task()).isTrue();
                    assertThat(startedTasks.contains(clone.task())).isFalse();
                    cloned.add(clone.task());
                }
            }
            // (a) never more than maxWorkers running, and the engine agrees on what runs.
            assertThat(running.size()).isLessThanOrEqualTo(maxWorkers);
            assertThat(state.running()).hasSize(running.size());
            state.running().forEach(t -> assertThat(running.get(t.task())).isEqualTo(t.attempt()));
            return decision;
        }

        private void onStart(StartTask start) {
            TaskKey task = start.task();
            StepInfo step = graph.step(task.step());
            // (d) no attempt is started twice, attempts go up one by one, nothing done starts again.
            assertThat(startedAttempts.add(task + "#" + start.attempt())).as("started twice: %s", start).isTrue();
            if (start.attempt() > 0) {
                assertThat(startedAttempts.contains(task + "#" + (start.attempt() - 1))).as("previous attempt of %s", start).isTrue();
            }
            assertThat(done.contains(task)).as("%s started after it was done", task).isFalse();
            assertThat(task.path().depth()).isEqualTo(step.foreachDepth());
            // (b) every input has succeeded.
            List<TaskKey> inputs = EngineDriver.inputTasks(start.inputs());
            for (TaskKey input : inputs) {
                assertThat(done.contains(input)).as("input %s of %s has not succeeded", input, task).isTrue();
            }
            if (step.isJoin() && step.joinsForeach()) {
                assertThat(start.inputs()).isInstanceOfSatisfying(TaskInputs.ForeachBranches.class, b ->
                        assertThat(b.count()).isEqualTo(flow.cardinality(step.joins(), task.path())));
            }
            if (step.isJoin() && joinsSeen.add(task)) {
                inputs.forEach(input -> {
                    joinInputUses.merge(input, 1, Integer::sum);
                    consumedBy.put(input, task);
                });
            }
            if (resume != null && !resume.rerunSteps().contains(task.step())) {
                assertThat(resume.origin().succeeded(task)).as("%s started though it succeeded in the origin", task).isFalse();
            }
            startedTasks.add(task);
            running.put(task, start.attempt());
        }
    }
}
