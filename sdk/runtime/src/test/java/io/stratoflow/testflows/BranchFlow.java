package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Step;

/**
 * start -> (a | b) -> join -> end. Each branch computes its own artifact; both keep
 * {@code shared} as start set it, unless {@code conflict} makes each branch change it differently,
 * and {@code resolve} makes the join settle it before merging.
 */
public class BranchFlow extends FlowSpec {

    @Parameter
    boolean conflict = false;

    @Parameter
    boolean resolve = false;

    int base;
    String shared;
    int fromA;
    int fromB;
    int sum;

    @Step(next = {"a", "b"})
    public void start() {
        base = 10;
        shared = "set by start";
    }

    @Step(next = "join")
    public void a() {
        fromA = base + 1;
        if (conflict) {
            shared = "changed by a";
        }
    }

    @Step(next = "join")
    public void b() {
        fromB = base + 2;
        if (conflict) {
            shared = "changed by b";
        }
    }

    @Step(next = "end")
    public void join(Inputs<BranchFlow> inputs) {
        sum = inputs.get("a").fromA + inputs.get("b").fromB;
        if (resolve) {
            shared = "settled by join: " + inputs.get("a").shared + " / " + inputs.get("b").shared;
        }
        merge(inputs);
    }

    @Step
    public void end() {
    }
}
