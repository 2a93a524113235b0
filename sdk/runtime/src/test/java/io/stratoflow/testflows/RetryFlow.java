package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Retry;
import io.stratoflow.api.Step;

/** The step {@code flaky} fails on its first two attempts and succeeds on the third. */
public class RetryFlow extends FlowSpec {

    int succeededOnAttempt = -1;

    @Step(next = "flaky")
    public void start() {
    }

    @Retry(times = 2, minutesBetweenRetries = 0)
    @Step(next = "end")
    public void flaky() {
        int attempt = current().attempt();
        System.out.println("attempt " + attempt);
        if (attempt < 2) {
            throw new IllegalStateException("transient failure on attempt " + attempt);
        }
        succeededOnAttempt = attempt;
    }

    @Step
    public void end() {
    }
}
