package io.stratoflow.runtime;

import io.stratoflow.engine.RunState;

import java.util.Map;

/**
 * How to run a flow locally.
 *
 * @param parameters      parameter values by name, already converted to the fields' types
 * @param maxWorkerHeapMb the most heap a worker JVM may get, whatever the steps declare; 0 for no cap
 */
public record RunOptions(Map<String, Object> parameters, int maxWorkers, int maxNumSplits, long maxWorkerHeapMb) {

    public RunOptions {
        parameters = Map.copyOf(parameters);
        if (maxWorkerHeapMb < 0) {
            throw new IllegalArgumentException("maxWorkerHeapMb must not be negative, got " + maxWorkerHeapMb);
        }
    }

    public RunOptions(Map<String, Object> parameters, int maxWorkers, int maxNumSplits) {
        this(parameters, maxWorkers, maxNumSplits, 0);
    }

    public static RunOptions defaults() {
        return new RunOptions(Map.of(), RunState.DEFAULT_MAX_WORKERS, RunState.DEFAULT_MAX_NUM_SPLITS);
    }
}
