package io.stratoflow.task.runner;

import io.stratoflow.task.TaskSpec;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.TaskContext;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;

import java.util.List;
import java.util.Set;

/** The {@link TaskContext} of a task running in a worker. */
final class FlowTaskContext implements TaskContext {

    private final TaskSpec request;
    private final FlowDefinition flow;
    private final TaskExecutor.ForeachPosition position;
    private final ArtifactLoader loader;
    private final List<TaskRecord> joined;

    FlowTaskContext(TaskSpec request, FlowDefinition flow, TaskExecutor.ForeachPosition position, ArtifactLoader loader,
                    List<TaskRecord> joined) {
        this.request = request;
        this.flow = flow;
        this.position = position;
        this.loader = loader;
        this.joined = joined;
    }

    @Override
    public String flowName() {
        return flow.name();
    }

    @Override
    public String runId() {
        return request.runId();
    }

    @Override
    public String stepName() {
        return request.step();
    }

    @Override
    public String taskId() {
        return request.taskId();
    }

    @Override
    public int attempt() {
        return request.attempt();
    }

    @Override
    public int foreachIndex() {
        if (flow.graph().step(request.step()).foreachDepth() == 0) {
            return -1;
        }
        String id = request.taskId();
        return Integer.parseInt(id.substring(id.lastIndexOf('.') + 1));
    }

    @Override
    public Object foreachInput() {
        if (position.inputRef() == null) {
            throw new IllegalStateException("Step " + request.step() + " has no foreach input: input() is available in the steps "
                    + "of a foreach branch, not outside a foreach nor in its join");
        }
        return position.input();
    }

    @Override
    public void mergeArtifacts(FlowSpec target, Inputs<? extends FlowSpec> inputs, Set<String> exclude) {
        if (joined.isEmpty()) {
            throw new IllegalStateException("merge(inputs) can only be called in a join step; " + request.step() + " is not one");
        }
        loader.merge(target, joined, exclude, request);
    }
}
