package io.stratoflow.examples.bench;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Step;

import java.util.List;
import java.util.stream.IntStream;

/** A trivial foreach whose cost is all orchestration: the subject of the local benchmark. */
public class FanOutFlow extends FlowSpec {

    @Parameter(help = "How many branches the foreach fans out to")
    int width = 100;

    List<Integer> items;
    int doubled;
    long total;

    @Step(next = "work", foreach = "items")
    public void start() {
        items = IntStream.range(0, width).boxed().toList();
    }

    @Step(next = "join")
    public void work() {
        int item = input();
        doubled = item * 2;
    }

    @Step(next = "end")
    public void join(Inputs<FanOutFlow> inputs) {
        total = inputs.stream().mapToLong(i -> i.doubled).sum();
    }

    @Step
    public void end() {
        long expected = (long) width * (width - 1);
        if (total != expected) {
            throw new IllegalStateException("join saw a total of " + total + ", expected " + expected);
        }
    }

    public static void main(String[] args) {
        Stratoflow.main(FanOutFlow.class, args);
    }
}
