package io.stratoflow.examples;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Kubernetes;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;

import java.util.List;

/**
 * Items fanned out to a step that runs on Azure nodes of the cluster. On a laptop,
 * {@code run --local} runs it anyway, ignoring the placement.
 */
public class CrossCloudFlow extends FlowSpec {

    List<String> titles;
    String title;
    List<String> results;

    @Kubernetes
    @Step(next = "process", foreach = "titles")
    public void start() {
        titles = List.of("Aaren", "Aarika", "Abagael", "Abagail", "Abbe", "Abbey", "Abbi", "Abbie", "Abby", "Abbye");
    }

    @Resources(cpu = 1, memory = 512)
    @Kubernetes(nodeSelector = "outerbounds.co/provider=azure")
    @Step(next = "join")
    public void process() {
        title = input() + " processed";
    }

    @Step(next = "end")
    public void join(Inputs<CrossCloudFlow> inputs) {
        results = inputs.stream().map(i -> i.title).toList();
    }

    @Step
    public void end() {
        System.out.println(String.join("\n", results));
    }

    public static void main(String[] args) {
        Stratoflow.main(CrossCloudFlow.class, args);
    }
}
