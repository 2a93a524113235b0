package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.model.Run;
import io.stratoflow.model.TaskPodKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists this flow's runs on the cluster (default: my latest).")
final class KubernetesListCommand implements Callable<Integer> {

    @CommandLine.Mixin
    RunSelection selection = new RunSelection();

    private final CliContext context;

    KubernetesListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ClusterConnection cluster = ClusterConnection.open(selection.namespace, context.environment)) {
            List<Run> runs = selection.select(cluster, context.flow.name(), context.environment);
            if (runs.isEmpty()) {
                context.out.println("No runs of " + context.flow.name() + " in namespace " + cluster.namespace() + " match.");
                return 0;
            }
            String format = "%-40s %-10s %-9s %-12s %-8s %s%n";
            context.out.printf(Locale.ROOT, format, "RUN", "PHASE", "PROGRESS", "USER", "RUNNING", "CREATED");
            for (Run run : runs) {
                long running = cluster.client().pods().inNamespace(cluster.namespace()).withLabel(TaskPodKeys.RUN_LABEL,
                        run.getMetadata().getName()).list().getItems().stream()
                        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
                context.out.printf(Locale.ROOT, format, run.getMetadata().getName(),
                        run.getStatus() == null || run.getStatus().phase == null ? "New" : run.getStatus().phase,
                        run.getStatus() == null || run.getStatus().progress == null ? "" : run.getStatus().progress,
                        run.getMetadata().getLabels().getOrDefault(TaskPodKeys.USER_LABEL, ""), running,
                        run.getMetadata().getCreationTimestamp());
            }
            return 0;
        }
    }
}
