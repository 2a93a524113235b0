package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepPolicy;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.operator.pods.StuckContainers;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.task.TaskReport;
import io.stratoflow.task.TaskSpecCodec;

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

    /**
     * A Pod that does not start, and for how long: the scheduler cannot place it, or (when {@code cannotStart}) its
     * node cannot start its container (an image that cannot be pulled, a missing Secret).
     */
    record Unschedulable(TaskKey task, int attempt, String pod, String message, Duration since, boolean cannotStart) {
    }

    record Observed(List<Observation> observations, List<Unschedulable> unschedulable) {
    }

    private TaskObserver() {
    }

    static Observed observe(RunState state, String runName, Map<String, Pod> podsByName, Instant now) {
        List<Observation> observations = new ArrayList<>();
        List<Unschedulable> unschedulable = new ArrayList<>();
        for (ActiveTask active : state.running()) {
            Pod pod = podsByName.get(TaskPodNames.podName(runName, active.task(), active.attempt()));
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null && pod.getStatus() == null) {
                continue; // no Pod yet, or one deleted before it reported anything: nothing to observe
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase)) {
                observations.add(new Observation.TaskSucceeded(active.task(), active.attempt(), splits(pod)));
            } else if ("Failed".equals(phase)) {
                observations.add(new Observation.TaskFailed(active.task(), active.attempt(), failureReason(pod)));
            } else {
                Optional<PodCondition> notScheduled = unschedulable(pod, now);
                if (notScheduled.isPresent()) {
                    unschedulable.add(new Unschedulable(active.task(), active.attempt(), pod.getMetadata().getName(),
                            notScheduled.get().getMessage(), since(notScheduled.get(), pod, now), false));
                } else {
                    waitingForever(pod).ifPresent(waiting -> unschedulable.add(new Unschedulable(active.task(), active.attempt(),
                            pod.getMetadata().getName(), "its container cannot start: " + waiting.getReason()
                            + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()), age(pod, now), true)));
                }
            }
        }
        return new Observed(observations, unschedulable);
    }

    private static Optional<PodCondition> unschedulable(Pod pod, Instant now) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))
                .findFirst();
    }

    private static Optional<io.fabric8.kubernetes.api.model.ContainerStateWaiting> waitingForever(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream().map(ContainerStatus::getState)
                .filter(s -> s != null && s.getWaiting() != null && StuckContainers.isStuck(s.getWaiting().getReason()))
                .map(s -> s.getWaiting()).findFirst();
    }

    private static Duration age(Pod pod, Instant now) {
        String created = pod.getMetadata().getCreationTimestamp();
        return created == null ? Duration.ZERO : Duration.between(Instant.parse(created), now);
    }

    private static Duration since(PodCondition condition, Pod pod, Instant now) {
        String from = condition.getLastTransitionTime() != null ? condition.getLastTransitionTime() : pod.getMetadata().getCreationTimestamp();
        if (from == null) {
            return Duration.ZERO;
        }
        return Duration.between(Instant.parse(from), now);
    }

    /** A foreach task reports its split count in its termination message (the task runner's report, or a plain container's JSON). */
    static Integer splits(Pod pod) {
        return terminated(pod).map(ContainerStateTerminated::getMessage).map(TaskSpecCodec::decodeReport)
                .map(TaskReport::splits).orElse(null);
    }

    static String failureReason(Pod pod) {
        Optional<ContainerStateTerminated> terminated = terminated(pod);
        StringBuilder reason = new StringBuilder();
        if ("DeadlineExceeded".equals(pod.getStatus().getReason()) && pod.getSpec().getActiveDeadlineSeconds() != null) {
            // The Pod's deadline is the step's @Timeout, counted from when the Pod started, as a local worker counts it.
            reason.append(StepPolicy.timeoutReason(pod.getSpec().getActiveDeadlineSeconds() * 1000));
        } else if (terminated.isPresent()) {
            ContainerStateTerminated t = terminated.get();
            TaskReport report = TaskSpecCodec.decodeReport(t.getMessage());
            if (report != null && report.failed()) {
                reason.append(report.exceptionType());
                if (report.message() != null && !report.message().isBlank()) {
                    reason.append(": ").append(report.message());
                }
            } else {
                reason.append(t.getReason() == null ? "Error" : t.getReason()).append(" (exit code ").append(t.getExitCode()).append(')');
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    reason.append(": ").append(lastLines(t.getMessage(), 5));
                }
            }
            if ("OOMKilled".equals(t.getReason()) || report != null && report.ranOutOfMemory()) {
                reason.append(". The task ran out of memory: raise the step's @Resources(memory) (or the Flow's "
                        + "resources.memory), or --with kubernetes:memory=… for every step");
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
