package io.stratoflow.client;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.graph.GraphValidator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One run: its status, steps, and the artifacts of its end step. */
public final class RunRef {

    private final Datastore datastore;
    private final RunRecord record;

    RunRef(Datastore datastore, RunRecord record) {
        this.datastore = datastore;
        this.record = record;
    }

    public String id() {
        return record.runId();
    }

    public String flow() {
        return record.flow();
    }

    public RunPhase phase() {
        return record.phase();
    }

    public boolean successful() {
        return record.phase() == RunPhase.SUCCEEDED;
    }

    public String message() {
        return record.message();
    }

    public Instant startedAt() {
        return Instant.ofEpochMilli(record.startedAtMillis());
    }

    public Duration duration() {
        return Duration.ofMillis(record.durationMillis(System.currentTimeMillis()));
    }

    public List<StepRef> steps() {
        return datastore.runs().listSteps(record.flow(), record.runId()).stream().map(s -> new StepRef(datastore, record, s)).toList();
    }

    public StepRef step(String name) {
        if (!datastore.runs().listSteps(record.flow(), record.runId()).contains(name)) {
            throw new IllegalArgumentException("Run " + record.flow() + "/" + record.runId() + " has no step '" + name
                    + "' with tasks; it has " + datastore.runs().listSteps(record.flow(), record.runId()));
        }
        return new StepRef(datastore, record, name);
    }

    /** An artifact as the run left it: read from the end step's task. */
    public Object artifact(String name) {
        return step(GraphValidator.END).task().artifact(name);
    }

    public <T> T artifact(String name, Class<T> type) {
        return step(GraphValidator.END).task().artifact(name, type);
    }

    /** A run parameter's value. */
    public Object parameter(String name) {
        var ref = record.parameters().get(name);
        if (ref == null) {
            throw new IllegalArgumentException("Run " + id() + " has no parameter '" + name + "'; it has " + record.parameters().keySet());
        }
        return TaskRef.readDeclared(datastore, name, ref);
    }
}
