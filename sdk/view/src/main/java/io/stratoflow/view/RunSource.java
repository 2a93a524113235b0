package io.stratoflow.view;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where the views read runs from: a datastore (runs on a laptop) or the cluster. Every method
 * answers with what one screen needs, never with every task of a run.
 */
public interface RunSource {

    /** Every run, newest first. */
    List<RunSummary> runs();

    Optional<RunDetail> run(RunKey key);

    /** At most {@code limit} tasks of a step from {@code offset} on, in index order. */
    TaskPage tasks(RunKey key, String step, int offset, int limit);

    /** A task's log as {@code logs} prints it: stdout or stderr of its latest attempt. */
    Optional<InputStream> log(RunKey key, String step, String taskId, String stream) throws IOException;

    /** A task's artifacts with a preview of each, at most {@code previewBytes} of JSON each. */
    List<ArtifactView> artifacts(RunKey key, String step, String taskId, int previewBytes);

    /** The cluster's compute pools; none on a laptop. */
    default List<PoolView> pools() {
        return List.of();
    }
}
