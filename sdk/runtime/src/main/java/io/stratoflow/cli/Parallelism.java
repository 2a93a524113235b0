package io.stratoflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --max-workers} and {@code --max-num-splits}, shared by the commands that start runs. */
final class Parallelism {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--max-workers", paramLabel = "<n>", defaultValue = "16",
            description = "How many tasks may run at once (default: ${DEFAULT-VALUE})")
    int maxWorkers;

    @Option(names = "--max-num-splits", paramLabel = "<n>", defaultValue = "100",
            description = "Largest fan-out a foreach may produce (default: ${DEFAULT-VALUE})")
    int maxNumSplits;

    void validate() {
        positive("--max-workers", maxWorkers);
        positive("--max-num-splits", maxNumSplits);
    }

    private void positive(String option, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
        }
    }
}
