package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;

/** The step {@code quit} calls System.exit(3), which takes its worker JVM down. */
public class ExitingFlow extends FlowSpec {

    @Step(next = "quit")
    public void start() {
    }

    @Step(next = "end")
    public void quit() {
        System.out.println("leaving abruptly");
        System.exit(3);
    }

    @Step
    public void end() {
    }
}
