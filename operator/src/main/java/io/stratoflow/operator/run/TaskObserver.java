package io.stratoflow.operator.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.stratoflow.datastore.Json;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.operator.pods.TaskPodNames;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Run's Pods into what the engine understands: which running attempts succeeded
 * (with a foreach's split count from the termination message) or failed (with the reason), and
 * which Pods the scheduler cannot place.
 */
final class TaskObserver {

    /** A Pod the scheduler reports as unschedulable, and for how long. */
    record Unschedulable(TaskKey task, int attempt, String pod, String message, Duration since) {
    }

    record Observed(List<Observation> observations, List<Unschedulable> unschedulable, List<ActiveTask> withoutPod) {
    }

    private TaskObserver() {
    }

    static Observed observe(RunState state, String runName, Map<String, Pod> podsByName, Instant now) {
        List<Observation> observations = new ArrayList<>();
        List<Unschedulable> unschedulable = new ArrayList<>();
        List<ActiveTask> withoutPod = new ArrayList<>();
        for (ActiveTask active : state.running()) {
            Pod pod = podsByName.get(TaskPodNames.podName(runName, active.task(), active.attempt()));
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null && pod.getStatus() == null) {
                withoutPod.add(active);
                continue;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase)) {
                observations.add(new Observation.TaskSucceeded(active.task(), active.attempt(), splits(pod)));
            } else if ("Failed".equals(phase)) {
                observations.add(new Observation.TaskFailed(active.task(), active.attempt(), failureReason(pod)));
            } else {
                unschedulable(pod, now).ifPresent(u -> unschedulable.add(new Unschedulable(active.task(), active.attempt(),
                        pod.getMetadata().getName(), u.getMessage(), since(u, pod, now))));
            }
        }
        return new Observed(observations, unschedulable, withoutPod);
    }

    private static Optional<PodCondition> unschedulable(Pod pod, Instant now) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))
                .findFirst();
    }

    private static Duration since(PodCondition condition, Pod pod, Instant now) {
        String from = condition.getLastTransitionTime() != null ? condition.getLastTransitionTime() : pod.getMetadata().getCreationTimestamp();
        if (from == null) {
            return Duration.ZERO;
        }
        return Duration.between(Instant.parse(from), now);
    }

    /** A foreach task reports {"splits": N} in its termination message. */
    static Integer splits(Pod pod) {
        return terminated(pod).map(ContainerStateTerminated::getMessage).filter(m -> m != null && m.trim().startsWith("{")).map(m -> {
            try {
                JsonNode node = Json.METADATA.readTree(m);
                return node.has("splits") ? node.get("splits").asInt() : null;
            } catch (java.io.IOException e) {
                return null;
            }
        }).orElse(null);
    }

    static String failureReason(Pod pod) {
        Optional<ContainerStateTerminated> terminated = terminated(pod);
        StringBuilder reason = new StringBuilder();
        if (terminated.isPresent()) {
            ContainerStateTerminated t = terminated.get();
            reason.append(t.getReason() == null ? "Error" : t.getReason()).append(" (exit code ").append(t.getExitCode()).append(')');
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason.append(": ").append(lastLines(t.getMessage(), 5));
            }
        } else {
            reason.append(pod.getStatus().getReason() == null ? "Failed" : pod.getStatus().getReason());
            if (pod.getStatus().getMessage() != null) {
                reason.append(": ").append(pod.getStatus().getMessage());
            }
        }
        return "Pod " + pod.getMetadata().getName() + " failed: " + reason;
    }

    private static Optional<ContainerStateTerminated> terminated(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream().map(ContainerStatus::getState)
                .filter(s -> s != null && s.getTerminated() != null).map(s -> s.getTerminated()).findFirst();
    }

    private static String lastLines(String text, int lines) {
        String[] all = text.strip().split("\n");
        return String.join(" | ", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
