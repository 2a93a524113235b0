package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.RunStopRequest;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.Run;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "kill", mixinStandardHelpOptions = true, description = "Stops this flow's runs on the cluster and deletes their Pods "
        + "(default: my latest run).")
final class KubernetesKillCommand implements Callable<Integer> {

    @CommandLine.Mixin
    RunSelection selection = new RunSelection();

    private final CliContext context;

    KubernetesKillCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ClusterConnection cluster = ClusterConnection.open(selection.namespace, context.environment)) {
            List<Run> runs = selection.select(cluster, context.flow.name(), context.environment);
            if (runs.isEmpty()) {
                context.out.println("No runs of " + context.flow.name() + " in namespace " + cluster.namespace() + " match: nothing stopped.");
                return 0;
            }
            for (Run run : runs) {
                String name = run.getMetadata().getName();
                String phase = run.getStatus() == null ? null : run.getStatus().phase;
                if (RunPhase.isFinalStatus(phase)) {
                    context.out.println("Run " + name + " already " + phase + ": nothing to stop.");
                    continue;
                }
                RunStopRequest.send(cluster, name);
                context.out.println("Stopping run " + name + ": the operator deletes its Pods.");
            }
            return 0;
        }
    }
}
