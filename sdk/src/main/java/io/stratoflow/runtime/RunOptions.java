package io.stratoflow.runtime;

import io.stratoflow.engine.RunState;

import java.util.Map;

/**
 * How to run a flow locally.
 *
 * @param parameters parameter values by name, already converted to the fields' types
 */
public record RunOptions(Map<String, Object> parameters, int maxWorkers, int maxNumSplits) {

    public RunOptions {
        parameters = Map.copyOf(parameters);
    }

    public static RunOptions defaults() {
        return new RunOptions(Map.of(), RunState.DEFAULT_MAX_WORKERS, RunState.DEFAULT_MAX_NUM_SPLITS);
    }
}
