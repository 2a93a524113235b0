package io.stratoflow.runtime;

import io.stratoflow.engine.RunState;
import io.stratoflow.engine.TaskKey;

import java.nio.file.Path;

/** Told about a run's progress by the local runtime, from its orchestrator thread. */
public interface ProgressListener {

    void started(String flow, String runId);

    /** Called after every decision; implementations throttle their own output. */
    void progress(RunState state);

    /** A task ended; {@code stdout} is its log, which may be empty or missing. */
    default void taskFinished(TaskKey task, int attempt, boolean succeeded, Path stdout) {
    }

    ProgressListener SILENT = new ProgressListener() {
        @Override
        public void started(String flow, String runId) {
        }

        @Override
        public void progress(RunState state) {
        }
    };
}
