package io.stratoflow.operator.run;

/** The conditions a Run's status carries; only {@link RunStatusAggregator} sets them. */
enum RunConditionType {
    /** True while the engine drives the Run; its reason is the phase, or why the Run was refused. */
    RUNNING("Running"),
    /** Set once the Run has ended: True when every task succeeded. */
    SUCCEEDED("Succeeded"),
    /** False while the Flow the Run names does not exist; removed once it does. */
    FLOW_FOUND("FlowFound"),
    UNSCHEDULABLE("Unschedulable"),
    WAITING_FOR_NODES("WaitingForNodes"),
    CONTAINERS_NOT_STARTING("ContainersNotStarting"),
    /** False while a task Pod cannot be created (a missing ServiceAccount, an admission policy). */
    PODS_CREATED("PodsCreated"),
    /** Which phase the flow's datastore records for the Run, so that each phase is written once. */
    RUN_RECORDED("RunRecorded");

    private final String type;

    RunConditionType(String type) {
        this.type = type;
    }

    /** The condition's {@code type} as the status shows it. */
    String type() {
        return type;
    }
}
