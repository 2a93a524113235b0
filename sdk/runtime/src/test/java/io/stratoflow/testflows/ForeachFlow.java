package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Step;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * start fans out over {@code width} items, each branch squares its item, the join collects the
 * squares. While the file {@code failMarker} exists, branch 2 fails.
 */
public class ForeachFlow extends FlowSpec {

    @Parameter
    int width = 5;

    @Parameter(help = "While this file exists, the branch of item 2 fails")
    String failMarker = "";

    List<Integer> items;
    int item = -1;
    int square = -1;
    List<Integer> squares;
    List<Integer> itemsSeenByJoin;
    int total;

    @Step(next = "square", foreach = "items")
    public void start() {
        items = IntStream.range(0, width).boxed().toList();
    }

    @Step(next = "join")
    public void square() {
        item = input();
        if (item == 2 && !failMarker.isEmpty() && Files.exists(Path.of(failMarker))) {
            System.out.println("branch 2 is about to fail");
            throw new IllegalStateException("branch 2 was told to fail by " + failMarker);
        }
        square = item * item;
        System.out.println("square of " + item + " is " + square);
    }

    @Step(next = "end")
    public void join(Inputs<ForeachFlow> inputs) {
        squares = inputs.stream().map(f -> f.square).toList();
        itemsSeenByJoin = inputs.stream().map(f -> f.item).toList();
        total = squares.stream().mapToInt(Integer::intValue).sum();
    }

    @Step
    public void end() {
        System.out.println("total " + total);
    }
}
