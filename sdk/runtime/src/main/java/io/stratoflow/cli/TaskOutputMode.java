package io.stratoflow.cli;

/** How much of what its tasks print a run shows while it runs ({@code --task-output}). */
enum TaskOutputMode {
    /** Every task's output, except in a step of more than {@link ShownTasks#PER_STEP} tasks: there the first ones' and failed ones'. */
    LIMITED,
    /** Every task's output, at any fan-out. */
    ALL,
    /** No task output: only the progress and how the run ended. */
    NONE
}
