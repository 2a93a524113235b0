package io.stratoflow.testflows;

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
        System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        List<long[]> hoard = new ArrayList<>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }

    @Step
    public void end() {
    }
}
