package io.stratoflow.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.model.Run;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.List;

/** Waiting for Runs and reading their Pods. */
public final class Runs {

    private static final List<String> FINAL_PHASES = List.of("Succeeded", "Failed", "Stopped");

    private Runs() {
    }

    public static Run awaitPhase(KubernetesClient client, String namespace, String name, String phase, Duration timeout) {
        Awaitility.await("Run " + namespace + "/" + name + " reaching " + phase).atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Run run = client.resources(Run.class).inNamespace(namespace).withName(name).get();
                    String current = run == null || run.getStatus() == null ? null : run.getStatus().phase;
                    if (current != null && !current.equals(phase) && FINAL_PHASES.contains(current)) {
                        throw new AssertionError("Run " + name + " ended " + current + " instead of " + phase + ": " + run.getStatus().message);
                    }
                    return phase.equals(current);
                });
        return client.resources(Run.class).inNamespace(namespace).withName(name).get();
    }

    /**
     * Waits until the Run's condition of that type is True; a timeout, or the Run ending first, fails with what the Run
     * and its Pods showed, so that a failure on a loaded machine says where it stopped.
     */
    public static Run awaitCondition(KubernetesClient client, String namespace, String name, String type, Duration timeout) {
        try {
            Awaitility.await("Run " + namespace + "/" + name + " condition " + type).atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Run run = client.resources(Run.class).inNamespace(namespace).withName(name).get();
                        if (run == null || run.getStatus() == null) {
                            return false;
                        }
                        boolean holds = run.getStatus().conditions.stream().anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True"));
                        if (!holds && FINAL_PHASES.contains(run.getStatus().phase)) {
                            throw new AssertionError("Run " + name + " ended " + run.getStatus().phase + " without condition " + type + "; "
                                    + describe(client, namespace, name));
                        }
                        return holds;
                    });
        } catch (ConditionTimeoutException expired) {
            throw new AssertionError("Run " + name + " never showed condition " + type + " within " + timeout + "; "
                    + describe(client, namespace, name), expired);
        }
        return client.resources(Run.class).inNamespace(namespace).withName(name).get();
    }

    /** The Run's phase, message and conditions and its Pods' phases and scheduling, for a failure message. */
    public static String describe(KubernetesClient client, String namespace, String name) {
        Run run = client.resources(Run.class).inNamespace(namespace).withName(name).get();
        if (run == null) {
            return "the Run does not exist";
        }
        StringBuilder text = new StringBuilder();
        if (run.getStatus() == null) {
            text.append("no status");
        } else {
            text.append("phase ").append(run.getStatus().phase).append(", message ").append(run.getStatus().message).append(", conditions ");
            run.getStatus().conditions.forEach(c -> text.append(c.getType()).append('=').append(c.getStatus()).append(" (").append(c.getReason())
                    .append(": ").append(c.getMessage()).append(") "));
        }
        text.append("; Pods:");
        for (Pod pod : pods(client, namespace, name)) {
            text.append(' ').append(pod.getMetadata().getName()).append(' ').append(pod.getStatus() == null ? "?" : pod.getStatus().getPhase());
            if (pod.getStatus() != null) {
                pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType()))
                        .forEach(c -> text.append(" scheduled=").append(c.getStatus()).append(c.getMessage() == null ? "" : " " + c.getMessage()));
            }
            text.append(';');
        }
        return text.toString();
    }

    public static List<Pod> pods(KubernetesClient client, String namespace, String run) {
        return client.pods().inNamespace(namespace).withLabel("stratoflow.io/run", run).list().getItems();
    }

    public static List<Pod> pods(KubernetesClient client, String namespace, String run, String step) {
        return client.pods().inNamespace(namespace).withLabel("stratoflow.io/run", run).withLabel("stratoflow.io/step", step)
                .list().getItems();
    }
}
