package io.stratoflow.view;

/** A step of a run with its progress: tasks done, running, failed (waiting for a retry) and known so far. */
public record StepView(StepShape shape, int done, int running, int failed, int total) {
}
