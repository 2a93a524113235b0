package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;

/** The step {@code work} announces its worker's pid and then runs for a minute, to be stopped. */
public class LongFlow extends FlowSpec {

    @Step(next = "work")
    public void start() {
    }

    @Step(next = "end")
    public void work() throws InterruptedException {
        System.out.println("pid=" + ProcessHandle.current().pid());
        Thread.sleep(60_000);
    }

    @Step
    public void end() {
    }
}
