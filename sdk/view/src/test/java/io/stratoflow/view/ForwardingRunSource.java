package io.stratoflow.view;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A run source that answers as another does, for tests that change one of its answers. */
abstract class ForwardingRunSource implements RunSource {

    private final RunSource source;

    ForwardingRunSource(RunSource source) {
        this.source = source;
    }

    @Override
    public List<RunSummary> runs() {
        return source.runs();
    }

    @Override
    public Optional<RunDetail> run(RunKey key) {
        return source.run(key);
    }

    @Override
    public TaskPage tasks(RunKey key, String step, int offset, int limit) {
        return source.tasks(key, step, offset, limit);
    }

    @Override
    public Optional<InputStream> log(RunKey key, String step, String taskId, String stream) throws IOException {
        return source.log(key, step, taskId, stream);
    }

    @Override
    public List<ArtifactView> artifacts(RunKey key, String step, String taskId, int previewBytes) {
        return source.artifacts(key, step, taskId, previewBytes);
    }

    @Override
    public List<PoolView> pools() {
        return source.pools();
    }
}
