package io.stratoflow.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that a flow's steps form a valid graph: one start and one end, known next steps, no
 * cycle, every step reachable, every foreach and static branch closed by a join with the right
 * signature. Used by the annotation processor, the runtime and the operator alike, so a flow is
 * judged the same way everywhere.
 */
public final class GraphValidator {

    public static final String START = "start";
    public static final String END = "end";

    /** One open split on the way from start to a step: a foreach, or one branch of a static split. */
    record Frame(String split, String branch) {
        boolean isForeach() {
            return branch == null;
        }
    }

    /** The result: the problems found and, for a valid graph, the split nesting of every step. */
    public record Analysis(List<GraphProblem> problems, List<String> topologicalOrder,
                           Map<String, List<Frame>> openSplits, Map<String, String> joinedSplit) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    public List<GraphProblem> validate(List<StepNode> steps, ArtifactTypes types) {
        return analyze(steps, types).problems();
    }

    public Analysis analyze(List<StepNode> steps, ArtifactTypes types) {
        List<GraphProblem> problems = new ArrayList<>();
        Map<String, StepNode> byName = new LinkedHashMap<>();
        for (StepNode step : steps) {
            if (byName.putIfAbsent(step.name(), step) != null) {
                problems.add(new GraphProblem(step.name(), "is declared twice; step names must be unique"));
            }
        }
        checkSteps(byName, types, problems);
        if (!problems.isEmpty()) {
            return failed(problems);
        }
        checkCyclesAndReachability(byName, problems);
        if (!problems.isEmpty()) {
            return failed(problems);
        }
        return checkSplitsAndJoins(byName, problems);
    }

    private static Analysis failed(List<GraphProblem> problems) {
        return new Analysis(List.copyOf(problems), List.of(), Map.of(), Map.of());
    }

    private void checkSteps(Map<String, StepNode> byName, ArtifactTypes types, List<GraphProblem> problems) {
        if (!byName.containsKey(START)) {
            problems.add(new GraphProblem(null, "the flow has no step named 'start'; every flow begins with a @Step method start()"));
        }
        if (!byName.containsKey(END)) {
            problems.add(new GraphProblem(null, "the flow has no step named 'end'; every flow finishes with a @Step method end()"));
        }
        for (StepNode step : byName.values()) {
            if (step.signatureProblem() != null) {
                problems.add(new GraphProblem(step.name(), step.signatureProblem()));
            }
            if (step.name().equals(END)) {
                if (!step.next().isEmpty()) {
                    problems.add(new GraphProblem(END, "the end step cannot have next steps, found " + step.next()));
                }
            } else if (step.next().isEmpty()) {
                problems.add(new GraphProblem(step.name(), "has no next step; every step except 'end' names where the flow goes in @Step(next = ...)"));
            }
            Set<String> seen = new HashSet<>();
            for (String next : step.next()) {
                if (!seen.add(next)) {
                    problems.add(new GraphProblem(step.name(), "names next step '" + next + "' twice"));
                } else if (!byName.containsKey(next)) {
                    problems.add(new GraphProblem(step.name(), "names next step '" + next + "', which does not exist; the steps are " + new TreeSet<>(byName.keySet())));
                }
            }
            if (step.isForeach()) {
                checkForeach(step, types, problems);
            }
        }
    }

    private static void checkForeach(StepNode step, ArtifactTypes types, List<GraphProblem> problems) {
        if (step.next().size() != 1) {
            problems.add(new GraphProblem(step.name(), "a foreach needs exactly one next step, found " + step.next().size()));
        }
        switch (types.kindOf(step.foreach())) {
            case MISSING -> problems.add(new GraphProblem(step.name(),
                    "foreach names field '" + step.foreach() + "', which the flow does not declare"));
            case OTHER -> problems.add(new GraphProblem(step.name(),
                    "foreach field '" + step.foreach() + "' is not a List; declare it as a java.util.List"));
            case LIST -> { }
        }
    }

    private void checkCyclesAndReachability(Map<String, StepNode> byName, List<GraphProblem> problems) {
        Set<String> done = new HashSet<>();
        Deque<String> path = new ArrayDeque<>();
        Set<String> onPath = new HashSet<>();
        findCycles(START, byName, done, path, onPath, problems);
        for (String name : byName.keySet()) {
            if (!done.contains(name)) {
                problems.add(new GraphProblem(name, "is unreachable: no path from 'start' leads to it"));
            }
        }
    }

    private void findCycles(String step, Map<String, StepNode> byName, Set<String> done, Deque<String> path,
                            Set<String> onPath, List<GraphProblem> problems) {
        path.addLast(step);
        onPath.add(step);
        for (String next : byName.get(step).next()) {
            if (onPath.contains(next)) {
                List<String> cycle = new ArrayList<>(path);
                cycle = cycle.subList(cycle.indexOf(next), cycle.size());
                problems.add(new GraphProblem(step, "closes a cycle " + String.join(" -> ", cycle) + " -> " + next
                        + "; a flow is acyclic (use foreach to repeat work)"));
            } else if (!done.contains(next)) {
                findCycles(next, byName, done, path, onPath, problems);
            }
        }
        path.removeLast();
        onPath.remove(step);
        done.add(step);
    }

    private Analysis checkSplitsAndJoins(Map<String, StepNode> byName, List<GraphProblem> problems) {
        Map<String, List<String>> predecessors = new HashMap<>();
        byName.values().forEach(s -> s.next().forEach(n -> predecessors.computeIfAbsent(n, k -> new ArrayList<>()).add(s.name())));
        List<String> order = topologicalOrder(byName, predecessors);

        Map<String, List<Frame>> open = new LinkedHashMap<>();
        Map<String, String> joined = new LinkedHashMap<>();
        for (String name : order) {
            StepNode step = byName.get(name);
            List<String> preds = predecessors.getOrDefault(name, List.of());
            if (name.equals(START)) {
                if (step.takesInputs()) {
                    problems.add(new GraphProblem(name, "is a join (it takes Inputs) but nothing comes before the start step; give start no parameters"));
                }
                open.put(name, List.of());
                continue;
            }
            List<List<Frame>> incoming = new ArrayList<>();
            for (String pred : preds) {
                incoming.add(extend(open.get(pred), byName.get(pred), name));
            }
            if (step.takesInputs()) {
                open.put(name, join(step, preds, incoming, byName, joined, problems));
            } else {
                if (preds.size() > 1) {
                    problems.add(new GraphProblem(name, "is reached from " + preds + " but is not a join; a join step takes one Inputs<...> parameter"));
                }
                open.put(name, incoming.get(0));
            }
        }
        List<Frame> atEnd = open.getOrDefault(END, List.of());
        Set<String> unjoined = new LinkedHashSet<>();
        atEnd.forEach(f -> unjoined.add(f.split()));
        for (String split : unjoined) {
            StepNode s = byName.get(split);
            problems.add(new GraphProblem(split, (s.isForeach() ? "foreach" : "branch") + " is never joined: "
                    + "the flow reaches 'end' with it still open; add a join step (one Inputs<...> parameter) where its branches meet"));
        }
        return new Analysis(List.copyOf(problems), order, open, joined);
    }

    private static List<Frame> extend(List<Frame> frames, StepNode from, String to) {
        if (from.isForeach()) {
            return append(frames, new Frame(from.name(), null));
        }
        if (from.isStaticSplit()) {
            return append(frames, new Frame(from.name(), to));
        }
        return frames;
    }

    private static List<Frame> append(List<Frame> frames, Frame frame) {
        List<Frame> copy = new ArrayList<>(frames);
        copy.add(frame);
        return List.copyOf(copy);
    }

    private List<Frame> join(StepNode step, List<String> preds, List<List<Frame>> incoming, Map<String, StepNode> byName,
                             Map<String, String> joined, List<GraphProblem> problems) {
        String name = step.name();
        for (int i = 0; i < preds.size(); i++) {
            if (incoming.get(i).isEmpty()) {
                problems.add(new GraphProblem(name, "is a join (it takes Inputs) but '" + preds.get(i)
                        + "' does not come from a foreach or a static branch; give " + name + " no parameters"));
                return List.of();
            }
        }
        Frame top = incoming.get(0).get(incoming.get(0).size() - 1);
        Set<String> splits = new LinkedHashSet<>();
        incoming.forEach(frames -> splits.add(frames.get(frames.size() - 1).split()));
        if (splits.size() > 1) {
            problems.add(new GraphProblem(name, "joins branches of different splits " + splits + "; each split needs its own join"));
            return rest(incoming.get(0));
        }
        String split = top.split();
        if (preds.contains(split)) {
            problems.add(new GraphProblem(split, "goes straight to join '" + name + "'; a "
                    + (byName.get(split).isForeach() ? "foreach" : "branch") + " needs a step between the split and its join"));
        }
        List<Frame> rest = rest(incoming.get(0));
        for (List<Frame> frames : incoming) {
            if (!rest(frames).equals(rest)) {
                problems.add(new GraphProblem(name, "joins branches that are nested differently; close inner splits with their own joins first"));
                return rest;
            }
        }
        if (top.isForeach()) {
            if (preds.size() != 1) {
                problems.add(new GraphProblem(name, "joins the foreach of '" + split + "' from several steps " + preds
                        + "; close the static branches inside the foreach with their own join first"));
            }
        } else {
            Set<String> arrived = new HashSet<>();
            incoming.forEach(frames -> arrived.add(frames.get(frames.size() - 1).branch()));
            for (String branch : byName.get(split).next()) {
                if (!arrived.contains(branch)) {
                    problems.add(new GraphProblem(split, "branch '" + branch + "' never reaches join '" + name
                            + "'; every branch of a split must end in the same join"));
                }
            }
        }
        String previous = joined.putIfAbsent(split, name);
        if (previous != null && !Objects.equals(previous, name)) {
            problems.add(new GraphProblem(split, "is joined twice, by '" + previous + "' and '" + name + "'"));
        }
        return rest;
    }

    private static List<Frame> rest(List<Frame> frames) {
        return frames.subList(0, frames.size() - 1);
    }

    private static List<String> topologicalOrder(Map<String, StepNode> byName, Map<String, List<String>> predecessors) {
        Map<String, Integer> waiting = new HashMap<>();
        byName.keySet().forEach(n -> waiting.put(n, predecessors.getOrDefault(n, List.of()).size()));
        Deque<String> ready = new ArrayDeque<>();
        ready.add(START);
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String step = ready.removeFirst();
            order.add(step);
            for (String next : byName.get(step).next()) {
                if (waiting.merge(next, -1, Integer::sum) == 0) {
                    ready.addLast(next);
                }
            }
        }
        return order;
    }
}
