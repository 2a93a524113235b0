package io.stratoflow.runtime.flows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;

import java.util.ArrayList;
import java.util.List;

/** The step {@code eat} allocates until the worker's heap is exhausted. */
public class HungryFlow extends FlowSpec {

    @Step(next = "eat")
    public void start() {
    }

    @Resources(memory = 2048)
    @Step(next = "end")
    public void eat() {
        List<long[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }

    @Step
    public void end() {
    }
}
