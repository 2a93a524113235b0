package io.stratoflow.e2e.flows;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.Catch;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;
import io.stratoflow.api.TaskFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * A step that fails as its parameters say: throws, runs out of memory, or (in the run named by
 * {@code failInRun}) throws so that a resumed run can pass; a later step whose failure is caught.
 */
public class FailuresFlow extends FlowSpec {

    @Parameter(help = "throw, memory, or none")
    String mode = "none";

    @Parameter(help = "The run in which 'prepare' throws; a resumed run passes")
    String failInRun = "";

    String prepared;
    TaskFailure problem;
    String outcome;

    @Step(next = "prepare")
    public void start() {
        prepared = "started";
    }

    @Resources(memory = 256)
    @Step(next = "risky")
    public void prepare() {
        if (mode.equals("throw")) {
            throw new IllegalStateException("the input table is empty");
        }
        if (mode.equals("memory")) {
            List<long[]> hoard = new ArrayList<>();
            while (true) {
                hoard.add(new long[1 << 20]);
            }
        }
        if (current().runId().equals(failInRun)) {
            throw new IllegalArgumentException("failing on purpose in run " + failInRun);
        }
        prepared = prepared + ", prepared in " + current().runId();
    }

    @Catch(var = "problem")
    @Step(next = "end")
    public void risky() {
        throw new UnsupportedOperationException("risky always fails");
    }

    @Step
    public void end() {
        outcome = prepared + "; caught " + (problem == null ? "nothing" : problem.exceptionType());
        System.out.println(outcome);
    }

    public static void main(String[] args) {
        Stratoflow.main(FailuresFlow.class, args);
    }
}
