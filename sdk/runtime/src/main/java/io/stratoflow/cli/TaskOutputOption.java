package io.stratoflow.cli;

import picocli.CommandLine.Option;

/** {@code --task-output}, shared by the commands that start runs. */
final class TaskOutputOption {

    @Option(names = "--task-output", paramLabel = "<limited|all|none>", defaultValue = "limited",
            description = "What tasks print, shown as [run/step/task] lines: limited (default: in a step of more than "
                    + ShownTasks.PER_STEP + " tasks only the first " + ShownTasks.PER_STEP + " tasks' and failed tasks' output), "
                    + "all, or none (logs RUN/STEP shows it later)")
    TaskOutputMode mode = TaskOutputMode.LIMITED;
}
