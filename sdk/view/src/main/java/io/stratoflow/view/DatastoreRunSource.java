package io.stratoflow.view;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs read from a datastore, as the local runtime leaves them (see {@link RecordedRun}). The namespace of every
 * run is {@value #NAMESPACE}.
 */
public final class DatastoreRunSource implements RunSource {

    public static final String NAMESPACE = "local";

    private final Datastore datastore;
    private final Function<String, List<StepShape>> shapesOfFlow;
    private final String user;

    /**
     * @param shapesOfFlow the steps of a flow by its name, where the caller knows its definition
     *                     (empty otherwise: the steps are then known only by name)
     * @param user         who ran the runs (a laptop's runs are its user's)
     */
    public DatastoreRunSource(Datastore datastore, Function<String, List<StepShape>> shapesOfFlow, String user) {
        this.datastore = datastore;
        this.shapesOfFlow = shapesOfFlow;
        this.user = user;
    }

    @Override
    public List<RunSummary> runs() {
        List<RunSummary> runs = new ArrayList<>();
        for (String flow : datastore.runs().listFlows()) {
            for (RunRecord run : datastore.runs().listRuns(flow)) {
                RecordedRun recorded = new RecordedRun(datastore, flow, run.runId());
                runs.add(RecordedRun.summary(key(flow, run.runId()), run, recorded.state().orElse(null), user, false));
            }
        }
        runs.sort(Comparator.comparingLong((RunSummary run) -> run.startedAt() == null ? 0 : run.startedAt()).reversed());
        return runs;
    }

    private static RunKey key(String flow, String runId) {
        return new RunKey(NAMESPACE, flow, runId);
    }

    private RecordedRun recorded(RunKey key) {
        return new RecordedRun(datastore, key.flow(), key.run());
    }

    @Override
    public Optional<RunDetail> run(RunKey key) {
        if (!NAMESPACE.equals(key.namespace())) {
            return Optional.empty();
        }
        return recorded(key).detail(key, shapesOfFlow.apply(key.flow()), user, false);
    }

    @Override
    public TaskPage tasks(RunKey key, String step, int offset, int limit) {
        return recorded(key).tasks(shapesOfFlow.apply(key.flow()), step, offset, limit);
    }

    @Override
    public Optional<InputStream> log(RunKey key, String step, String taskId, String stream) {
        return recorded(key).log(step, taskId, stream);
    }

    @Override
    public List<ArtifactView> artifacts(RunKey key, String step, String taskId, int previewBytes) {
        return recorded(key).artifacts(step, taskId, previewBytes);
    }
}
