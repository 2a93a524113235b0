package io.stratoflow.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.task.EnvironmentNames;

import java.util.Map;
import java.util.Optional;

/**
 * What the chart records for the CLI in ConfigMap {@value #CONFIG_MAP} of the operator's namespace: where SDK tasks
 * keep their data and which image runs them. Credentials are never in it, only the name of the Secret Pods get them from.
 */
public record ClusterDefaults(String datastoreRoot, String datastoreEndpoint, String datastoreRegion, boolean pathStyle,
                              String credentialsSecret, String defaultTaskImage) {

    public static final String CONFIG_MAP = "stratoflow-cluster";
    /** Where the operator runs, unless {@code $STRATOFLOW_OPERATOR_NAMESPACE} says otherwise. */
    public static final String OPERATOR_NAMESPACE = "stratoflow-system";

    public static Optional<ClusterDefaults> read(KubernetesClient client, Map<String, String> environment) {
        String namespace = environment.getOrDefault(EnvironmentNames.OPERATOR_NAMESPACE, OPERATOR_NAMESPACE);
        ConfigMap map;
        try {
            map = client.configMaps().inNamespace(namespace).withName(CONFIG_MAP).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return Optional.empty();
            }
            throw e;
        }
        if (map == null || map.getData() == null) {
            return Optional.empty();
        }
        Map<String, String> data = map.getData();
        return Optional.of(new ClusterDefaults(blankToNull(data.get("datastore.root")), blankToNull(data.get("datastore.endpoint")),
                blankToNull(data.get("datastore.region")), "true".equals(data.get("datastore.pathStyle")),
                blankToNull(data.get("datastore.credentialsSecret")), blankToNull(data.get("defaultTaskImage"))));
    }

    /** The datastore as this machine reaches it: the cluster's, unless {@code $STRATOFLOW_DATASTORE_ENDPOINT} says otherwise. */
    public DatastoreLocation datastore(Map<String, String> environment) {
        String endpoint = environment.getOrDefault(EnvironmentNames.DATASTORE_ENDPOINT, datastoreEndpoint);
        return new DatastoreLocation(datastoreRoot, endpoint, datastoreRegion, pathStyle ? Boolean.TRUE : null);
    }

    public boolean hasSharedDatastore() {
        return datastoreRoot != null && datastoreRoot.startsWith("s3://");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
