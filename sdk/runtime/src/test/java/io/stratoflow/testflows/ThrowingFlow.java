package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;

/** The step {@code explode} prints a few lines and throws. */
public class ThrowingFlow extends FlowSpec {

    boolean reachedEnd;

    @Step(next = "explode")
    public void start() {
    }

    @Step(next = "end")
    public void explode() {
        for (int i = 1; i <= 3; i++) {
            System.out.println("epoch " + i + " loss=NaN");
        }
        throw new IllegalStateException("the model diverged at epoch 3");
    }

    @Step
    public void end() {
        reachedEnd = true;
    }
}
