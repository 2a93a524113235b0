package io.stratoflow.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated graph with what executing it needs: each step's kind, its predecessors, how
 * deeply it is nested in foreach splits, and which split a join closes.
 */
public final class FlowGraph {

    public enum Kind { LINEAR, STATIC_SPLIT, FOREACH, END }

    /**
     * @param foreachDepth number of enclosing foreach splits; a task of this step has that many indices
     * @param joins        for a join, the split step it closes; otherwise null
     * @param joinsForeach whether the closed split is a foreach
     * @param topoIndex    position in a topological order (start is 0)
     * @param enclosingForeach the innermost foreach step whose splits this step's tasks belong to, or null
     */
    public record StepInfo(String name, Kind kind, List<String> next, List<String> predecessors, String foreachField,
                           int foreachDepth, String joins, boolean joinsForeach, int topoIndex, String enclosingForeach) {
        public boolean isJoin() {
            return joins != null;
        }
    }

    private final Map<String, StepInfo> steps;
    private final List<String> order;

    private FlowGraph(Map<String, StepInfo> steps, List<String> order) {
        this.steps = steps;
        this.order = order;
    }

    /** Builds the graph or throws {@link GraphValidationException} listing every problem. */
    public static FlowGraph of(String flowName, List<StepNode> nodes, ArtifactTypes types) {
        GraphValidator.Analysis analysis = new GraphValidator().analyze(nodes, types);
        if (!analysis.valid()) {
            throw new GraphValidationException(flowName, analysis.problems());
        }
        Map<String, StepNode> byName = new LinkedHashMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        Map<String, List<String>> predecessors = new LinkedHashMap<>();
        for (String name : analysis.topologicalOrder()) {
            byName.get(name).next().forEach(n -> predecessors.computeIfAbsent(n, k -> new ArrayList<>()).add(name));
        }
        Map<String, String> joinOf = new LinkedHashMap<>();
        analysis.joinedSplit().forEach((split, join) -> joinOf.put(join, split));
        Map<String, StepInfo> infos = new LinkedHashMap<>();
        List<String> order = analysis.topologicalOrder();
        for (int i = 0; i < order.size(); i++) {
            String name = order.get(i);
            StepNode node = byName.get(name);
            List<GraphValidator.Frame> foreaches = analysis.openSplits().get(name).stream().filter(GraphValidator.Frame::isForeach).toList();
            String enclosing = foreaches.isEmpty() ? null : foreaches.get(foreaches.size() - 1).split();
            String joins = joinOf.get(name);
            infos.put(name, new StepInfo(name, kindOf(node), node.next(), List.copyOf(predecessors.getOrDefault(name, List.of())),
                    node.foreach(), foreaches.size(), joins, joins != null && byName.get(joins).isForeach(), i, enclosing));
        }
        return new FlowGraph(Collections.unmodifiableMap(infos), List.copyOf(order));
    }

    private static Kind kindOf(StepNode node) {
        if (node.isForeach()) {
            return Kind.FOREACH;
        }
        if (node.next().isEmpty()) {
            return Kind.END;
        }
        return node.next().size() > 1 ? Kind.STATIC_SPLIT : Kind.LINEAR;
    }

    public StepInfo step(String name) {
        StepInfo info = steps.get(name);
        if (info == null) {
            throw new IllegalArgumentException("No step '" + name + "'; the steps are " + order);
        }
        return info;
    }

    public boolean hasStep(String name) {
        return steps.containsKey(name);
    }

    /** Step names, start first, each after all its predecessors. */
    public List<String> topologicalOrder() {
        return order;
    }

    public StepInfo start() {
        return steps.get(GraphValidator.START);
    }

    /** The steps reachable from {@code from}, including it. */
    public List<String> reachableFrom(String from) {
        List<String> reached = new ArrayList<>();
        boolean[] seen = new boolean[order.size()];
        ArrayList<String> stack = new ArrayList<>(List.of(from));
        while (!stack.isEmpty()) {
            StepInfo step = step(stack.remove(stack.size() - 1));
            if (!seen[step.topoIndex()]) {
                seen[step.topoIndex()] = true;
                reached.add(step.name());
                stack.addAll(step.next());
            }
        }
        return reached;
    }
}
