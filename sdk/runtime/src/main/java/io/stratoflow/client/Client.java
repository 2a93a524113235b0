package io.stratoflow.client;

import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.ClusterDatastore;
import io.stratoflow.datastore.Datastore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads flows, runs, steps, tasks and artifacts from a datastore, e.g.
 * {@code Client.local().flow("ScalableFlow").latestSuccessfulRun().orElseThrow().artifact("best")}.
 */
public final class Client {

    private final Datastore datastore;

    public Client(Datastore datastore) {
        this.datastore = datastore;
    }

    /** The datastore a flow run from the working directory would use. */
    public static Client local() {
        return new Client(Datastore.locate(null, System.getenv(), Path.of("").toAbsolutePath()));
    }

    /**
     * The datastore the cluster of the current kube context shares with its tasks (as its chart records it), so that
     * runs made with {@code run --with kubernetes} read exactly as local ones; S3 credentials from the standard AWS
     * configuration.
     */
    public static Client cluster() {
        return cluster(System.getenv());
    }

    /** As {@link #cluster()}, with {@code KUBECONFIG}, {@code HOME} and {@code STRATOFLOW_*} settings from {@code environment}. */
    public static Client cluster(Map<String, String> environment) {
        try (ClusterConnection cluster = ClusterConnection.open(null, environment)) {
            return new Client(ClusterDatastore.open(cluster, environment));
        }
    }

    public static Client at(Path datastoreRoot) {
        return new Client(Datastore.locate(datastoreRoot, Map.of(), Path.of("")));
    }

    public List<String> flows() {
        return datastore.runs().listFlows();
    }

    public FlowRef flow(String name) {
        if (!flows().contains(name)) {
            throw new IllegalArgumentException("No runs of flow '" + name + "' in the datastore at " + datastore.root()
                    + "; flows there: " + flows());
        }
        return new FlowRef(datastore, name);
    }
}
