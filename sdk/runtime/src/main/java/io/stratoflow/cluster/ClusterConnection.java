package io.stratoflow.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A client for the current kube context, as kubectl would use it, and the namespace commands work in. */
public record ClusterConnection(KubernetesClient client, String namespace, String server) implements AutoCloseable {

    /**
     * @param namespace the namespace asked for, or null for the context's (else {@code default})
     * @param environment where {@code KUBECONFIG} and {@code HOME} come from
     */
    public static ClusterConnection open(String namespace, Map<String, String> environment) {
        Path kubeconfig = kubeconfig(environment);
        Config config;
        try {
            config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        } catch (IOException | RuntimeException e) {
            throw new ClusterException("Cannot read the kube context from " + kubeconfig + ": " + e.getMessage(), e);
        }
        if (config.getCurrentContext() == null) {
            throw new ClusterException(kubeconfig + " has no current context: choose one with kubectl config use-context NAME.");
        }
        String chosen = namespace != null ? namespace : config.getNamespace() != null ? config.getNamespace() : "default";
        config.setNamespace(chosen);
        // a person waits at the prompt: a down API server is reported after a few seconds, not after a minute of retries
        config.setRequestRetryBackoffLimit(2);
        config.setConnectionTimeout(5_000);
        return new ClusterConnection(new KubernetesClientBuilder().withConfig(config).build(), chosen, config.getMasterUrl());
    }

    private static Path kubeconfig(Map<String, String> environment) {
        String variable = environment.get("KUBECONFIG");
        if (variable != null && !variable.isBlank()) {
            Path first = Path.of(variable.split(File.pathSeparator)[0]);
            if (!Files.isRegularFile(first)) {
                throw new ClusterException("No kube context: $KUBECONFIG names " + first + ", which does not exist. Point it at "
                        + "your cluster's kubeconfig (for this project's local cluster: eval \"$(dev/cluster env)\").");
            }
            return first;
        }
        Path home = Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")));
        Path standard = home.resolve(".kube/config");
        if (!Files.isRegularFile(standard)) {
            throw new ClusterException("No kube context: $KUBECONFIG is not set and " + standard + " does not exist. Point kubectl at "
                    + "a cluster first (for this project's local cluster: eval \"$(dev/cluster env)\").");
        }
        return standard;
    }

    @Override
    public void close() {
        client.close();
    }
}
