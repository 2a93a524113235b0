package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;
import io.stratoflow.api.Timeout;

/** The step {@code nap} announces its worker's pid and sleeps 30 s, well past its 1 s timeout. */
public class SleepyFlow extends FlowSpec {

    @Step(next = "nap")
    public void start() {
    }

    @Timeout(seconds = 1)
    @Step(next = "end")
    public void nap() throws InterruptedException {
        System.out.println("napping in pid " + ProcessHandle.current().pid());
        Thread.sleep(30_000);
    }

    @Step
    public void end() {
    }
}
