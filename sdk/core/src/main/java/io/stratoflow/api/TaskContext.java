package io.stratoflow.api;

import java.util.Set;

/** The task a step method is running as; supplied by the runtime. */
public interface TaskContext {

    String flowName();

    String runId();

    String stepName();

    /** Identifies the task within its step: its foreach indices, e.g. {@code 3} or {@code 3.1}. */
    String taskId();

    int attempt();

    /** Index in the innermost foreach, or -1 outside a foreach. */
    int foreachIndex();

    Object foreachInput();

    void mergeArtifacts(FlowSpec target, Inputs<? extends FlowSpec> inputs, Set<String> exclude);

    /** Binds a flow object to a task; for runtimes, not for flow code. */
    static void bind(FlowSpec flow, TaskContext context) {
        flow.bind(context);
    }
}
