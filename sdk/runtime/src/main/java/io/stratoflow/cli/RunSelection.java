package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.ClusterException;
import io.stratoflow.export.FlowExporter;
import io.stratoflow.model.Run;
import io.stratoflow.model.TaskPodKeys;
import picocli.CommandLine.Option;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which of this flow's cluster Runs a command touches, as Metaflow's kubernetes commands choose them: one run by id,
 * every run of a user, every run of mine, or by default my latest. Runs of other flows are never chosen.
 */
final class RunSelection {

    @Option(names = "--run-id", paramLabel = "<run>", description = "This run only")
    String runId;

    @Option(names = "--user", paramLabel = "<name>", description = "Every run of this user")
    String user;

    @Option(names = "--my-runs", description = "Every run of mine")
    boolean myRuns;

    @Option(names = {"-n", "--namespace"}, paramLabel = "<namespace>", description = "Namespace of the runs (default: the kube context's)")
    String namespace;

    List<Run> select(ClusterConnection cluster, String flowName, Map<String, String> environment) {
        String flow = FlowExporter.resourceName(flowName);
        if (runId != null) {
            Run run = cluster.client().resources(Run.class).inNamespace(cluster.namespace()).withName(runId).get();
            if (run == null) {
                throw new ClusterException("No Run " + runId + " in namespace " + cluster.namespace() + ".");
            }
            if (!flow.equals(run.getMetadata().getLabels().get(TaskPodKeys.FLOW_LABEL))) {
                throw new ClusterException("Run " + runId + " is not a run of " + flowName + ": it is left alone.");
            }
            return List.of(run);
        }
        String owner = ClusterRun.labelValue(user != null ? user : ClusterRun.currentUser(environment));
        List<Run> runs = cluster.client().resources(Run.class).inNamespace(cluster.namespace())
                .withLabel(TaskPodKeys.FLOW_LABEL, flow).withLabel(TaskPodKeys.USER_LABEL, owner).list().getItems().stream()
                .sorted(Comparator.comparing((Run r) -> r.getMetadata().getCreationTimestamp()).reversed()).toList();
        return user != null || myRuns ? runs : runs.stream().limit(1).toList();
    }
}
