package io.stratoflow.client;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;

import java.util.List;

/** The tasks one step ran in a run. */
public final class StepRef {

    private final Datastore datastore;
    private final RunRecord run;
    private final String name;

    StepRef(Datastore datastore, RunRecord run, String name) {
        this.datastore = datastore;
        this.run = run;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public List<TaskRef> tasks() {
        return datastore.runs().listTasks(run.flow(), run.runId(), name).stream().map(t -> new TaskRef(datastore, run, t)).toList();
    }

    /** The step's only task (for steps outside a foreach). */
    public TaskRef task() {
        List<TaskRef> tasks = tasks();
        if (tasks.size() != 1) {
            throw new IllegalStateException("Step " + name + " of run " + run.runId() + " has " + tasks.size() + " tasks; pick one with task(id)");
        }
        return tasks.get(0);
    }

    public TaskRef task(String id) {
        return datastore.runs().readTask(run.flow(), run.runId(), name, id).map(t -> new TaskRef(datastore, run, t))
                .orElseThrow(() -> new IllegalArgumentException("Step " + name + " of run " + run.runId() + " has no task " + id));
    }
}
