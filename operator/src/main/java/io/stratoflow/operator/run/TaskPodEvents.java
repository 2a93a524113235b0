package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Which changes of a task Pod give its Run something to decide: the Pod ended, or it does not start (the scheduler
 * cannot place it, its container cannot start), or it vanished before its end was recorded. The rest of a Pod's life
 * (created by the operator, bound to a node, running, deleted once its success is recorded) only refreshes the
 * informer's cache: in a wide fan-out those events, several per task, would each start a pass that reads every Pod
 * of the Run and finds nothing to do.
 */
final class TaskPodEvents {

    private TaskPodEvents() {
    }

    /** A Pod seen for the first time: one the operator just created has nothing to tell; one found ended (after a restart) has. */
    static boolean added(Pod pod) {
        return TaskObserver.hasEnded(pod) || TaskObserver.isNotStarting(pod);
    }

    static boolean updated(Pod now, Pod before) {
        if (TaskObserver.hasEnded(now)) {
            return !TaskObserver.hasEnded(before);
        }
        // also when it stops being so: the Run's condition that said it turns back
        return TaskObserver.isNotStarting(now) || before != null && TaskObserver.isNotStarting(before);
    }

    /** A Pod gone: only one that had not succeeded (a Succeeded Pod is deleted once its Run's status records it). */
    static boolean deleted(Pod pod, Boolean finalStateUnknown) {
        return Boolean.TRUE.equals(finalStateUnknown) || !"Succeeded".equals(phase(pod));
    }

    private static String phase(Pod pod) {
        return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }
}
