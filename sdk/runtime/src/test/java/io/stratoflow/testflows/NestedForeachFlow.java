package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Step;

import java.util.List;
import java.util.stream.IntStream;

/** A foreach over regions, each with a foreach over a different number of shards. */
public class NestedForeachFlow extends FlowSpec {

    List<String> regions;
    String region;
    List<Integer> shards;
    String cell;
    List<String> cells;
    List<List<String>> grid;
    List<String> regionsSeenByOuterJoin;

    @Step(next = "inner", foreach = "regions")
    public void start() {
        regions = List.of("eu", "us", "ap");
    }

    @Step(next = "work", foreach = "shards")
    public void inner() {
        region = input();
        shards = IntStream.range(0, region.equals("us") ? 3 : 2).boxed().toList();
    }

    @Step(next = "innerJoin")
    public void work() {
        int shard = input();
        cell = region + ":" + shard + "@" + current().taskId();
    }

    @Step(next = "outerJoin")
    public void innerJoin(Inputs<NestedForeachFlow> inputs) {
        cells = inputs.stream().map(f -> f.cell).toList();
        // Keeps what the join set (cells), takes what the branches share (region, shards), leaves out what differs.
        merge(inputs, "cell");
    }

    @Step(next = "end")
    public void outerJoin(Inputs<NestedForeachFlow> inputs) {
        grid = inputs.stream().map(f -> f.cells).toList();
        regionsSeenByOuterJoin = inputs.stream().map(f -> f.region).toList();
    }

    @Step
    public void end() {
    }
}
