package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Kubernetes;
import io.stratoflow.api.Step;

/** start -> train -> end, where train carries @Kubernetes: a mixed run unless --local. */
public class PlacedFlow extends FlowSpec {

    String trail = "";

    @Step(next = "train")
    public void start() {
        trail = "start";
    }

    @Kubernetes
    @Step(next = "end")
    public void train() {
        trail += ",train";
    }

    @Step
    public void end() {
        trail += ",end";
        System.out.println(trail);
    }
}
