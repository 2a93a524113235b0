package io.stratoflow.engine;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the engine needs to know about a run between two decisions. It is plain data so
 * that a runtime can keep it anywhere: in memory, in the datastore, or in a Run's status. Its
 * size depends on the number of steps, foreach nesting and running tasks, never on how many
 * splits finished.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class RunState {

    public static final int DEFAULT_MAX_WORKERS = 16;
    public static final int DEFAULT_MAX_NUM_SPLITS = 100;

    private RunPhase phase = RunPhase.PENDING;
    private String message;
    private int maxWorkers = DEFAULT_MAX_WORKERS;
    private int maxNumSplits = DEFAULT_MAX_NUM_SPLITS;
    private final Map<String, StepState> steps = new LinkedHashMap<>();
    @JsonSerialize(using = ActiveTasksJson.Serializer.class)
    @JsonDeserialize(using = ActiveTasksJson.Deserializer.class)
    private final List<ActiveTask> running = new ArrayList<>();
    @JsonSerialize(using = ActiveTasksJson.Serializer.class)
    @JsonDeserialize(using = ActiveTasksJson.Deserializer.class)
    private final List<ActiveTask> retrying = new ArrayList<>();

    public RunState() {
    }

    public RunState(int maxWorkers, int maxNumSplits) {
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("max-workers must be at least 1, got " + maxWorkers);
        }
        if (maxNumSplits < 1) {
            throw new IllegalArgumentException("max-num-splits must be at least 1, got " + maxNumSplits);
        }
        this.maxWorkers = maxWorkers;
        this.maxNumSplits = maxNumSplits;
    }

    public RunPhase phase() {
        return phase;
    }

    void phase(RunPhase phase, String message) {
        this.phase = phase;
        this.message = message;
    }

    /** Why the run failed or stopped; null while it goes on or after success. */
    public String message() {
        return message;
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    public int maxNumSplits() {
        return maxNumSplits;
    }

    public Map<String, StepState> steps() {
        return steps;
    }

    public StepState step(String name) {
        return steps.computeIfAbsent(name, n -> new StepState());
    }

    public List<ActiveTask> running() {
        return running;
    }

    public List<ActiveTask> retrying() {
        return retrying;
    }

    public Optional<ActiveTask> runningTask(TaskKey key) {
        return running.stream().filter(t -> t.task().equals(key)).findFirst();
    }

    public boolean succeeded(TaskKey key) {
        StepState step = steps.get(key.step());
        return step != null && step.succeeded(key.path());
    }

    public int runningCount(String step) {
        return (int) running.stream().filter(t -> t.task().step().equals(step)).count();
    }

    public RunState copy() {
        RunState copy = new RunState(maxWorkers, maxNumSplits);
        copy.phase = phase;
        copy.message = message;
        steps.forEach((k, v) -> copy.steps.put(k, v.copy()));
        copy.running.addAll(running);
        copy.retrying.addAll(retrying);
        return copy;
    }
}
