package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.StepPolicy;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.ComputePool;
import io.stratoflow.operator.pools.PoolDirectory;
import io.stratoflow.operator.pods.StuckContainers;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.task.TaskReport;
import io.stratoflow.task.TaskSpecCodec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the Run's Pods, once per pass, into what the engine understands: which running attempts
 * succeeded (with a foreach's split count from the termination message) or failed (with the
 * reason), and which Pods do not start: the scheduler cannot place them, their pool waits for
 * nodes an autoscaler adds, or their node cannot start their container. A Pod that has not
 * started for longer than the grace period fails its task, and is to be deleted.
 */
final class TaskObserver {

    /**
     * A Pod that does not start, and for how long: the scheduler cannot place it, or (when {@code cannotStart}) its
     * node cannot start its container (an image that cannot be pulled, a missing Secret).
     */
    record Unschedulable(TaskKey task, int attempt, String pod, String message, Duration since, boolean cannotStart) {
    }

    /**
     * What the Pods say.
     *
     * @param ended           attempts whose Pod succeeded or failed
     * @param givenUp         Pods not placed or not starting past the grace period, whose tasks fail: they are to be deleted
     * @param notPlaced       Pods the scheduler cannot place and no autoscaler will make room for (those given up included)
     * @param waitingForNodes Pods whose pool can still get nodes: they wait for the autoscaler
     * @param notStarting     Pods whose container cannot start (those given up included)
     * @param untilGiveUp     when to look again for the first Pod that does not start to reach the end of its grace period;
     *                        null when every Pod started
     */
    record Observed(List<Observation> ended, List<Observation> givenUp, List<Unschedulable> givenUpPods, List<Unschedulable> notPlaced,
                    List<Unschedulable> waitingForNodes, List<Unschedulable> notStarting, Duration untilGiveUp) {

        /** What the engine is told: every attempt that ended, in the Pods' order, then those given up on. */
        List<Observation> observations() {
            List<Observation> all = new ArrayList<>(ended);
            all.addAll(givenUp);
            return all;
        }
    }

    private TaskObserver() {
    }

    static Observed observe(RunPass pass, Duration gracePeriod) {
        List<Observation> ended = new ArrayList<>();
        List<Observation> failures = new ArrayList<>();
        List<Unschedulable> notPlaced = new ArrayList<>();
        List<Unschedulable> waitingForNodes = new ArrayList<>();
        List<Unschedulable> notStarting = new ArrayList<>();
        List<Unschedulable> givenUp = new ArrayList<>();
        Duration untilGiveUp = null;
        for (ActiveTask active : pass.state().running()) {
            Pod pod = pass.pods().get(TaskPodNames.podName(pass.name(), active.task(), active.attempt()));
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null && pod.getStatus() == null) {
                continue; // no Pod yet, or one deleted before it reported anything: nothing to observe
            }
            Optional<Observation> end = ended(active, pod);
            if (end.isPresent()) {
                ended.add(end.get());
                continue;
            }
            Optional<Unschedulable> stuck = notStarted(active, pod, pass.now());
            if (stuck.isEmpty()) {
                continue;
            }
            Unschedulable waiting = stuck.get();
            Duration left = gracePeriod.minus(waiting.since());
            left = left.isNegative() ? Duration.ofSeconds(1) : left.plusMillis(500);
            untilGiveUp = untilGiveUp == null || left.compareTo(untilGiveUp) < 0 ? left : untilGiveUp;
            if (!waiting.cannotStart() && canGetNodes(pass, active)) {
                waitingForNodes.add(waiting);
                continue;
            }
            (waiting.cannotStart() ? notStarting : notPlaced).add(waiting);
            if (waiting.since().compareTo(gracePeriod) >= 0) {
                givenUp.add(waiting);
                failures.add(new Observation.TaskFailed(waiting.task(), waiting.attempt(), "Pod " + waiting.pod()
                        + (waiting.cannotStart() ? " did not start for " : " could not be scheduled for ") + waiting.since().toSeconds()
                        + " s: " + waiting.message()));
            }
        }
        return new Observed(ended, failures, givenUp, notPlaced, waitingForNodes, notStarting, untilGiveUp);
    }

    /** Whether the Pod's pool can still get nodes (an autoscaler adds them for pending Pods). */
    private static boolean canGetNodes(RunPass pass, ActiveTask active) {
        ComputePool pool = pass.poolOf(pass.step(active.task().step())).pool();
        return pool != null && PoolDirectory.canAddNodes(pool);
    }

    private static Optional<Observation> ended(ActiveTask active, Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            return Optional.of(new Observation.TaskSucceeded(active.task(), active.attempt(), splits(pod)));
        }
        if ("Failed".equals(phase)) {
            return Optional.of(new Observation.TaskFailed(active.task(), active.attempt(), failureReason(pod)));
        }
        return Optional.empty();
    }

    private static Optional<Unschedulable> notStarted(ActiveTask active, Pod pod, Instant now) {
        Optional<PodCondition> notScheduled = unschedulable(pod);
        if (notScheduled.isPresent()) {
            return Optional.of(new Unschedulable(active.task(), active.attempt(), pod.getMetadata().getName(),
                    notScheduled.get().getMessage(), since(notScheduled.get(), pod, now), false));
        }
        return waitingForever(pod).map(waiting -> new Unschedulable(active.task(), active.attempt(), pod.getMetadata().getName(),
                "its container cannot start: " + waiting.getReason() + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()),
                age(pod, now), true));
    }

    /** Whether the scheduler cannot place the Pod, or its node cannot start its container. */
    static boolean isNotStarting(Pod pod) {
        return unschedulable(pod).isPresent() || waitingForever(pod).isPresent();
    }

    /** Whether a Pod of this pass's decision has already ended: no Pod event will come for it, so the Run looks again at once. */
    static boolean hasEnded(Pod pod) {
        String phase = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static Optional<PodCondition> unschedulable(Pod pod) {
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
