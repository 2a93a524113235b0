package io.stratoflow.operator.run;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.Observation;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.FlowGraphs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the running tasks of a mixed run's external steps ended, as the engine observes a Pod's end:
 * the submitting CLI runs them on its own machine, and the task runner writes each one's record in
 * the datastore, as it does in a Pod.
 */
@ApplicationScoped
public class ExternalTaskOutcomes {

    @Inject
    RunDatastores datastores;

    List<Observation> observe(RunPass pass) {
        List<Observation> observations = new ArrayList<>();
        Optional<DatastoreLocation> location = pass.datastore(datastores);
        if (!ExternalTasks.hasAny(pass.flow()) || location.isEmpty()) {
            return observations;
        }
        Datastore datastore = datastores.open(location.get());
        String flowName = FlowGraphs.datastoreFlowName(pass.flow());
        for (ActiveTask active : pass.state().running()) {
            if (!ExternalTasks.isExternal(pass.step(active.task().step()))) {
                continue;
            }
            datastore.runs().readTask(flowName, pass.name(), active.task().step(), active.task().taskId())
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
}
