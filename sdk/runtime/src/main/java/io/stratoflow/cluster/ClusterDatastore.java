package io.stratoflow.cluster;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.task.EnvironmentNames;

import java.util.Map;

/** The datastore a cluster's SDK tasks share, as the chart records it, opened from this machine. */
public final class ClusterDatastore {

    private ClusterDatastore() {
    }

    public static Datastore open(ClusterConnection cluster, Map<String, String> environment) {
        ClusterDefaults defaults = ClusterDefaults.read(cluster.client(), environment)
                .filter(ClusterDefaults::hasSharedDatastore)
                .orElseThrow(() -> new ClusterException("The cluster at " + cluster.server() + " names no datastore on S3 that this "
                        + "machine and its tasks could share (ConfigMap " + environment.getOrDefault(EnvironmentNames.OPERATOR_NAMESPACE,
                        ClusterDefaults.OPERATOR_NAMESPACE) + "/" + ClusterDefaults.CONFIG_MAP + " has no s3:// datastore.root). "
                        + "Install the chart with --set datastore.root=s3://BUCKET/PREFIX --set datastore.credentialsSecret=SECRET, and "
                        + "give this machine the same bucket's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or a profile)."));
        return Datastore.open(defaults.datastore(environment));
    }

    /** Cluster runs are named after their flow ({@code scalable-flow-1201-…}); local run ids are numbers. */
    public static boolean isClusterRunId(String runId) {
        return !runId.isEmpty() && !runId.chars().allMatch(Character::isDigit);
    }
}
