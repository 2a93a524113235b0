package io.stratoflow.client;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.engine.RunPhase;

import java.util.List;
import java.util.Optional;

/** A flow as the datastore knows it: its runs. */
public final class FlowRef {

    private final Datastore datastore;
    private final String name;

    FlowRef(Datastore datastore, String name) {
        this.datastore = datastore;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Runs, newest first. */
    public List<RunRef> runs() {
        return datastore.runs().listRuns(name).stream().map(r -> new RunRef(datastore, r)).toList();
    }

    public Optional<RunRef> latestRun() {
        return runs().stream().findFirst();
    }

    public Optional<RunRef> latestSuccessfulRun() {
        return runs().stream().filter(r -> r.phase() == RunPhase.SUCCEEDED).findFirst();
    }

    public RunRef run(String runId) {
        return datastore.runs().readRun(name, runId).map(r -> new RunRef(datastore, r))
                .orElseThrow(() -> new IllegalArgumentException("Flow " + name + " has no run " + runId));
    }
}
