package io.stratoflow.cli;

import picocli.CommandLine;

final class Validation {

    private Validation() {
    }

    static void positive(CommandLine.Model.CommandSpec spec, String option, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
        }
    }
}
