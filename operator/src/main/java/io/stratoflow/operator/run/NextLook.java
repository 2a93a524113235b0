package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Decision;
import io.stratoflow.operator.pods.TaskPodNames;

import java.time.Duration;

/**
 * When a Run that a pass drove should be looked at again without an event: Pod events bring it back for what its Pods
 * do, so this covers what sends none (timers, quota freed elsewhere, a creation to retry, records of external tasks).
 */
final class NextLook {

    static final Duration QUOTA_RECHECK = Duration.ofSeconds(2);
    static final Duration CREATE_RETRY = Duration.ofSeconds(10);
    static final Duration EXTERNAL_RECHECK = Duration.ofSeconds(1);
    static final Duration MORE_TO_CREATE = Duration.ofMillis(50);

    private NextLook() {
    }

    /** @return when to look again; null for only when an event comes */
    static Duration after(RunPass pass, Decision decision, TaskObserver.Observed observed, TaskPodCreator.Created created,
                          RunRecorder.Recording recording) {
        Duration next = observed.untilGiveUp();
        if (decision.wakeUpAtMillis() != Long.MAX_VALUE) {
            next = sooner(next, Duration.ofMillis(Math.max(100, decision.wakeUpAtMillis() - pass.now().toEpochMilli())));
        }
        if (created.creationError() != null) {
            next = sooner(next, CREATE_RETRY);
        }
        if (created.moreToCreate()) {
            next = MORE_TO_CREATE;
        }
        if (created.waitingForQuota() > 0) {
            next = sooner(next, QUOTA_RECHECK);
        }
        if (recording != null && recording.retry() != null) {
            next = sooner(next, recording.retry());
        }
        // external tasks end with a record in the datastore, which sends no event: look for it
        if (!pass.status().externalTasks.isEmpty()) {
            next = sooner(next, EXTERNAL_RECHECK);
        }
        if (startedPodHasEnded(pass)) {
            next = Duration.ZERO;
        }
        return next;
    }

    /**
     * Whether an attempt the engine started in this pass already has a finished Pod (the status was older than the
     * Pods, as after a restart): no Pod event will come for it, so the Run is looked at again at once.
     */
    private static boolean startedPodHasEnded(RunPass pass) {
        for (ActiveTask active : pass.state().running()) {
            if (pass.startedNow(active)) {
                Pod pod = pass.pods().get(TaskPodNames.podName(pass.name(), active.task(), active.attempt()));
                String phase = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Duration sooner(Duration current, Duration candidate) {
        return current == null || candidate.compareTo(current) < 0 ? candidate : current;
    }
}
