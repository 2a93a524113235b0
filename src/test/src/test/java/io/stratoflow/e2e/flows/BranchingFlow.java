package io.stratoflow.e2e.flows;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Step;

/** A static branch: two steps in parallel, joined by name. */
public class BranchingFlow extends FlowSpec {

    String seed;
    String left;
    long right;
    String combined;

    @Step(next = {"left", "right"})
    public void start() {
        seed = "branch";
    }

    @Step(next = "join")
    public void left() {
        left = seed.toUpperCase();
    }

    @Step(next = "join")
    public void right() {
        right = seed.chars().asLongStream().sum();
    }

    @Step(next = "end")
    public void join(Inputs<BranchingFlow> inputs) {
        combined = inputs.get("left").left + ":" + inputs.get("right").right;
    }

    @Step
    public void end() {
        System.out.println("combined " + combined);
    }

    public static void main(String[] args) {
        Stratoflow.main(BranchingFlow.class, args);
    }
}
