package io.stratoflow.view;

import java.util.List;

/** A run with its steps in the flow's order. */
public record RunDetail(RunSummary summary, List<StepView> steps) {
}
