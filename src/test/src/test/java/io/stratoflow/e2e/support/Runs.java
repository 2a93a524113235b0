package io.stratoflow.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.model.Run;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;

/** Waiting for Runs and reading their Pods. */
public final class Runs {

    private Runs() {
    }

    public static Run awaitPhase(KubernetesClient client, String namespace, String name, String phase, Duration timeout) {
        Awaitility.await("Run " + namespace + "/" + name + " reaching " + phase).atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Run run = client.resources(Run.class).inNamespace(namespace).withName(name).get();
                    String current = run == null || run.getStatus() == null ? null : run.getStatus().phase;
                    if (current != null && !current.equals(phase) && List.of("Succeeded", "Failed", "Stopped").contains(current)) {
                        throw new AssertionError("Run " + name + " ended " + current + " instead of " + phase + ": " + run.getStatus().message);
                    }
                    return phase.equals(current);
                });
        return client.resources(Run.class).inNamespace(namespace).withName(name).get();
    }

    public static List<Pod> pods(KubernetesClient client, String namespace, String run) {
        return client.pods().inNamespace(namespace).withLabel("stratoflow.io/run", run).list().getItems();
    }

    public static List<Pod> pods(KubernetesClient client, String namespace, String run, String step) {
        return client.pods().inNamespace(namespace).withLabel("stratoflow.io/run", run).withLabel("stratoflow.io/step", step)
                .list().getItems();
    }
}
