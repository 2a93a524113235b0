package io.stratoflow.operator.run;

import io.stratoflow.engine.RunPhase;

/**
 * The reasons of a Run's conditions (and of the Events that go with them). The conditions
 * {@code Running}, {@code Succeeded} and {@code RunRecorded} also take a phase's name as their
 * reason ({@link #of(RunPhase)}), and {@code Reconciled} the reason of a failed pass that
 * {@link io.stratoflow.operator.status.ReconcileFailures} gives every resource kind alike.
 */
enum RunConditionReason {
    PENDING(RunPhase.PENDING.statusName()),
    RUNNING(RunPhase.RUNNING.statusName()),
    SUCCEEDED(RunPhase.SUCCEEDED.statusName()),
    FAILED(RunPhase.FAILED.statusName()),
    STOPPED(RunPhase.STOPPED.statusName()),
    FLOW_NOT_FOUND("FlowNotFound"),
    FLOW_IN_OTHER_NAMESPACE("FlowInOtherNamespace"),
    INVALID_FLOW("InvalidFlow"),
    NO_DATASTORE("NoDatastore"),
    REFUSED("Refused"),
    RESUME_ORIGIN_INVALID("ResumeOriginInvalid"),
    UNSCHEDULABLE("Unschedulable"),
    SCHEDULED("Scheduled"),
    WAITING_FOR_NODES("WaitingForNodes"),
    NODES_AVAILABLE("NodesAvailable"),
    CONTAINERS_NOT_STARTING("ContainersNotStarting"),
    CONTAINERS_STARTING("ContainersStarting"),
    POD_CREATION_FAILED("PodCreationFailed"),
    PODS_CREATED("PodsCreated"),
    INVALID_PARAMETER("InvalidParameter"),
    DATASTORE_UNAVAILABLE("DatastoreUnavailable"),
    RECORD_FAILED("RecordFailed"),
    STARTED("Started"),
    TASK_FAILED("TaskFailed");

    private final String reason;

    RunConditionReason(String reason) {
        this.reason = reason;
    }

    /** The reason as conditions and Events show it. */
    String reason() {
        return reason;
    }

    static RunConditionReason of(RunPhase phase) {
        return switch (phase) {
            case PENDING -> PENDING;
            case RUNNING -> RUNNING;
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case STOPPED -> STOPPED;
        };
    }
}
