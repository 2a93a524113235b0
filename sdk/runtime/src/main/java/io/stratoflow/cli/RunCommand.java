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

    @CommandLine.Mixin
    Parallelism parallelism = new Parallelism();


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
        parallelism.validate();
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
        RunOptions options = new RunOptions(ParameterOptions.values(spec, context.flow), parallelism.maxWorkers, parallelism.maxNumSplits,
                context.maxWorkerHeapMb());
        return new RunReporter(context).runLocally(datastore, runtime -> runtime.run(context.flow, options));
    }
}
