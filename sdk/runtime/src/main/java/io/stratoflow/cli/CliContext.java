package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.task.EnvironmentNames;

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

    /** The cap on a worker's heap from $STRATOFLOW_WORKER_MAX_HEAP_MB, or 0 when it is not set. */
    long maxWorkerHeapMb() {
        String value = environment.get(EnvironmentNames.WORKER_MAX_HEAP_MB);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long mb = Long.parseLong(value.trim());
            if (mb >= 16) {
                return mb;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(EnvironmentNames.WORKER_MAX_HEAP_MB + "=" + value
                + " is not a heap size: give a whole number of megabytes, at least 16");
    }
}
