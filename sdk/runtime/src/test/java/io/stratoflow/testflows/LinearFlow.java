package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Step;

/** start -> middle -> end; every step records the {@code alpha} parameter it saw. */
public class LinearFlow extends FlowSpec {

    public record Point(int x, int y) {
    }

    @Parameter(help = "A number every step sees")
    int alpha = 1;

    int seenInStart = -1;
    int seenInMiddle = -1;
    int seenInEnd = -1;
    Point point;
    String trail = "";

    @Step(next = "middle")
    public void start() {
        seenInStart = alpha;
        trail = "start";
        System.out.println("start sees alpha=" + alpha);
    }

    @Step(next = "end")
    public void middle() {
        seenInMiddle = alpha;
        point = new Point(alpha, seenInStart * 2);
        trail = trail + ">middle";
        System.out.println("middle says hello");
        System.out.println("middle built " + point);
    }

    @Step
    public void end() {
        seenInEnd = alpha;
        trail = trail + ">end";
    }
}
