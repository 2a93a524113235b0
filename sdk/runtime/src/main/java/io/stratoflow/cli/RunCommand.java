package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterException;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.export.KubernetesDecorator;
import io.stratoflow.export.KubernetesOverrides;
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

    @CommandLine.Mixin
    TaskOutputOption taskOutput = new TaskOutputOption();

    @Option(names = "--local", description = "Run every step on this machine, ignoring @Kubernetes placement")
    boolean local;

    @Option(names = "--with", paramLabel = "<decorator>", description = "Run on the cluster of the current kube context, every "
            + "step getting at least these resources: kubernetes[:cpu=N,memory=MB,gpu=N,disk=MB,image=I,node_selector=K=V,compute_pool=P]")
    List<String> with = List.of();

    @Option(names = {"-n", "--namespace"}, paramLabel = "<namespace>", description = "Namespace of a cluster run (default: the kube context's)")
    String namespace;

    @Option(names = "--run-name", paramLabel = "<name>", description = "Name of the Run on the cluster (default: <flow>-<date>-<time>-<suffix>)")
    String runName;

    private final CliContext context;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        parallelism.validate();
        if (runName != null && (local || with.isEmpty() && context.flow.clusterSteps().isEmpty())) {
            throw new IllegalArgumentException("--run-name names a Run on the cluster: use it with --with kubernetes or @Kubernetes steps.");
        }
        if (!with.isEmpty()) {
            if (local) {
                throw new IllegalArgumentException("--local and --with kubernetes contradict each other: choose one.");
            }
            KubernetesDecorator decorator = KubernetesDecorator.NONE;
            for (String text : with) {
                decorator = KubernetesOverrides.parse(text);
            }
            return new ClusterRun(context).run(namespace, ParameterOptions.values(spec, context.flow), decorator, parallelism.maxWorkers,
                    parallelism.maxNumSplits, null, runName, false, taskOutput.mode);
        }
        List<String> clusterSteps = context.flow.clusterSteps();
        if (!clusterSteps.isEmpty()) {
            if (!local) {
                // a mixed run: the operator runs the @Kubernetes steps in Pods, this machine the others
                try {
                    return new ClusterRun(context).run(namespace, ParameterOptions.values(spec, context.flow), KubernetesDecorator.NONE,
                            parallelism.maxWorkers, parallelism.maxNumSplits, null, runName, true, taskOutput.mode);
                } catch (ClusterException e) {
                    throw new ClusterException(e.getMessage() + " (Steps " + clusterSteps + " carry @Kubernetes, which sends them to "
                            + "a cluster; to run every step on this machine instead, add --local.)", e);
                }
            }
            context.err.println("Warning: --local runs steps " + clusterSteps + " on this machine; their @Kubernetes placement "
                    + "(node selectors, compute pools, images) is ignored.");
        }
        Datastore datastore = context.datastore();
        RunOptions options = new RunOptions(ParameterOptions.values(spec, context.flow), parallelism.maxWorkers, parallelism.maxNumSplits,
                context.maxWorkerHeapMb());
        return new RunReporter(context, taskOutput.mode).runLocally(datastore, runtime -> runtime.run(context.flow, options));
    }
}
