package io.stratoflow.testflows;

import io.stratoflow.api.Catch;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;
import io.stratoflow.api.TaskFailure;

/** The step {@code risky} throws; {@code @Catch} keeps the failure and the run goes on. */
public class CatchFlow extends FlowSpec {

    String before;
    TaskFailure failure;
    String after;

    @Step(next = "risky")
    public void start() {
        before = "from start";
    }

    @Catch(var = "failure")
    @Step(next = "end")
    public void risky() {
        throw new UnsupportedOperationException("risky is not supported today");
    }

    @Step
    public void end() {
        after = failure == null ? "no failure" : "saw " + failure.exceptionType() + " in " + failure.step();
    }
}
