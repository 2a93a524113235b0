package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.FlowDefinition;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** What every command of a flow's CLI shares: the flow, where it runs, and where it prints. */
final class CliContext {

    final FlowDefinition flow;
    final Map<String, String> environment;
    final Path workingDirectory;
    final PrintStream out;
    final PrintStream err;
    final boolean terminal;
    Path datastoreRoot;

    CliContext(FlowDefinition flow, Map<String, String> environment, Path workingDirectory, PrintStream out, PrintStream err,
               boolean terminal) {
        this.flow = flow;
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    Datastore datastore() {
        return Datastore.locate(datastoreRoot, environment, workingDirectory);
    }
}
