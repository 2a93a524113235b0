package io.stratoflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "kubernetes", mixinStandardHelpOptions = true, description = "Lists or stops this flow's runs on the cluster.",
        subcommands = {KubernetesListCommand.class, KubernetesKillCommand.class})
final class KubernetesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: list or kill");
    }
}
