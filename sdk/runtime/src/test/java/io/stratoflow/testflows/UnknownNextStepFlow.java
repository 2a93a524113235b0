package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Step;

/**
 * Invalid: {@code start} names a step that does not exist. The SDK's tests are compiled without
 * the annotation processor, so only the runtime check can catch it.
 */
public class UnknownNextStepFlow extends FlowSpec {

    @Step(next = "trian")
    public void start() {
    }

    @Step(next = "end")
    public void train() {
    }

    @Step
    public void end() {
    }
}
