package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.runtime.RunOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs the flow. Flow parameters are options of this command.")
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--max-workers", paramLabel = "<n>", defaultValue = "16",
            description = "How many tasks may run at once (default: ${DEFAULT-VALUE})")
    int maxWorkers;

    @Option(names = "--max-num-splits", paramLabel = "<n>", defaultValue = "100",
            description = "Largest fan-out a foreach may produce (default: ${DEFAULT-VALUE})")
    int maxNumSplits;

    @Option(names = "--local", description = "Run every step on this machine, ignoring @Kubernetes placement")
    boolean local;

    @Option(names = "--with", paramLabel = "<decorator>", description = "Add a decorator to every step, e.g. kubernetes:cpu=4,memory=16000")
    List<String> with = List.of();

    private final CliContext context;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Validation.positive(spec, "--max-workers", maxWorkers);
        Validation.positive(spec, "--max-num-splits", maxNumSplits);
        if (!with.isEmpty()) {
            throw new UnsupportedOperationException("--with " + String.join(",", with) + " asks for a cluster. Cluster runs are Run "
                    + "resources reconciled by the Stratoflow operator: create them with 'export " + String.join(" ", with.stream()
                    .map(w -> "--with " + w).toList()) + " | kubectl apply -f -'.");
        }
        List<String> clusterSteps = context.flow.clusterSteps();
        if (!clusterSteps.isEmpty()) {
            if (!local) {
                throw new UnsupportedOperationException("Steps " + clusterSteps + " carry @Kubernetes, which sends them to a cluster. "
                        + "Run with --local to run them on this machine, ignoring their placement, or on the cluster with "
                        + "'export | kubectl apply -f -'.");
            }
            context.err.println("Warning: --local runs steps " + clusterSteps + " on this machine; their @Kubernetes placement "
                    + "(node selectors, compute pools, images) is ignored.");
        }
        Datastore datastore = context.datastore();
        RunOptions options = new RunOptions(ParameterOptions.values(spec, context.flow), maxWorkers, maxNumSplits,
                context.maxWorkerHeapMb());
        return new RunReporter(context).runLocally(datastore, runtime -> runtime.run(context.flow, options));
    }
}
