package io.stratoflow.runtime;

import io.stratoflow.engine.RunState;

/** Told about a run's progress by the local runtime, from its orchestrator thread. */
public interface ProgressListener {

    void started(String flow, String runId);

    /** Called after every decision; implementations throttle their own output. */
    void progress(RunState state);

    ProgressListener SILENT = new ProgressListener() {
        @Override
        public void started(String flow, String runId) {
        }

        @Override
        public void progress(RunState state) {
        }
    };
}
