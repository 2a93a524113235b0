package io.stratoflow.cli;

/** The prefix of a task's output lines, the same for local, laptop and cluster tasks: {@code [run/step/task] } or {@code [run/step/task attempt N] }. */
final class TaskLinePrefix {

    private TaskLinePrefix() {
    }

    static String of(String runId, String step, String taskId, int attempt) {
        return "[" + runId + "/" + step + "/" + taskId + (attempt > 0 ? " attempt " + attempt : "") + "] ";
    }
}
