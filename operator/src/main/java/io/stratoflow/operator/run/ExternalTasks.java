package io.stratoflow.operator.run;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Observation;
import io.stratoflow.engine.RunEngine;
import io.stratoflow.engine.RunState;
import io.stratoflow.graph.FlowGraph;
import io.stratoflow.model.ExternalTask;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks of a mixed run's external steps, which the submitting CLI runs on its own machine: the operator lists the
 * running ones, with their task descriptions, for the CLI, and takes each one's outcome from its record in the
 * datastore, where the task runner writes it as it does in a Pod.
 */
@ApplicationScoped
public class ExternalTasks {

    @Inject
    RunDatastores datastores;

    static boolean isExternal(StepSpec step) {
        return Boolean.TRUE.equals(step.external);
    }

    static boolean hasAny(FlowResourceSpec flow) {
        return flow.steps.stream().anyMatch(ExternalTasks::isExternal);
    }

    /** The ended attempts of running external tasks, as the engine observes a Pod's end. */
    List<Observation> observe(RunState state, FlowResourceSpec flow, String runName) {
        List<Observation> observations = new ArrayList<>();
        Optional<DatastoreLocation> location = datastores.locationOf(flow);
        if (!hasAny(flow) || location.isEmpty()) {
            return observations;
        }
        Datastore datastore = datastores.open(location.get());
        String flowName = FlowGraphs.datastoreFlowName(flow);
        for (ActiveTask active : state.running()) {
            if (!isExternal(FlowGraphs.step(flow, active.task().step()))) {
                continue;
            }
            datastore.runs().readTask(flowName, runName, active.task().step(), active.task().taskId())
                    .filter(record -> record.attempt() == active.attempt())
                    .ifPresent(record -> observations.add(outcome(active, record)));
        }
        return observations;
    }

    private static Observation outcome(ActiveTask active, TaskRecord record) {
        if (TaskRecord.FAILED.equals(record.status())) {
            String reason = record.failure() == null ? "it failed on the machine that submitted the run"
                    : record.failure().exceptionType() + (record.failure().message() == null ? "" : ": " + record.failure().message());
            return new Observation.TaskFailed(active.task(), active.attempt(), "on the machine that submitted the run: " + reason);
        }
        return new Observation.TaskSucceeded(active.task(), active.attempt(), record.splits());
    }

    /** The running external tasks, each with the description a Pod would get in STRATOFLOW_TASK. */
    List<ExternalTask> pending(RunState state, FlowResourceSpec flow, FlowGraph graph, String runName, Map<String, String> parameters) {
        List<ExternalTask> tasks = new ArrayList<>();
        if (!hasAny(flow)) {
            return tasks;
        }
        DatastoreLocation datastore = datastores.locationOf(flow).orElse(null);
        RunEngine inputs = new RunEngine(graph, Map.of());
        for (ActiveTask active : state.running()) {
            StepSpec step = FlowGraphs.step(flow, active.task().step());
            if (!isExternal(step)) {
                continue;
            }
            TaskSpec spec = TaskSpec.of(FlowGraphs.datastoreFlowName(flow), flow.runner.flowClass, runName, active.task(), active.attempt(),
                    inputs.inputsOf(state, active.task()), parameters, datastore, flow.runner.codePackage);
            tasks.add(new ExternalTask(active.task().step(), active.task().taskId(), active.attempt(), TaskSpecCodec.encode(spec)));
        }
        return tasks;
    }
}
