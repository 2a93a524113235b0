package io.stratoflow.model;

/**
 * The labels and annotations the operator puts on task Pods and Runs, which the CLI reads back:
 * one definition for both sides.
 */
public final class TaskPodKeys {

    public static final String FLOW_LABEL = "stratoflow.io/flow";
    public static final String RUN_LABEL = "stratoflow.io/run";
    public static final String STEP_LABEL = "stratoflow.io/step";
    public static final String TASK_LABEL = "stratoflow.io/task";
    public static final String POOL_LABEL = "stratoflow.io/pool";
    /** On a Run: who submitted it (a label value made from their user name). */
    public static final String USER_LABEL = "stratoflow.io/user";
    public static final String ATTEMPT_ANNOTATION = "stratoflow.io/attempt";
    public static final String STEP_ANNOTATION = "stratoflow.io/step-name";
    public static final String TASK_ANNOTATION = "stratoflow.io/task-id";

    private TaskPodKeys() {
    }
}
