package io.stratoflow.operator.web;

import io.fabric8.kubernetes.api.model.Toleration;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.NodePoolReference;
import io.stratoflow.model.NodePoolStatus;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.StepSpec;
import io.stratoflow.model.TaskPodKeys;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.datastore.RunRecords;
import io.stratoflow.operator.flow.FlowCache;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.run.RunCache;
import io.stratoflow.view.ArtifactView;
import io.stratoflow.view.EngineProgress;
import io.stratoflow.view.PoolView;
import io.stratoflow.view.RecordedRun;
import io.stratoflow.view.RunDetail;
import io.stratoflow.view.RunKey;
import io.stratoflow.view.RunSource;
import io.stratoflow.view.RunSummary;
import io.stratoflow.view.StepShape;
import io.stratoflow.view.StepShapes;
import io.stratoflow.view.TaskPage;
import io.stratoflow.view.TaskView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's runs for the views: Runs and ComputePools from the operator's informer caches (no
 * request to the API server per look), progress from each Run's engine state, logs and artifacts
 * from the Run's datastore. Runs whose Run objects are gone are shown from their datastores' records
 * ({@link RunHistory}), marked so; a run that still has its Run object is shown from it.
 */
@ApplicationScoped
public class ClusterRunSource implements RunSource {

    @Inject
    RunCache cache;

    @Inject
    RunDatastores datastores;

    @Inject
    PoolHistory history;

    @Inject
    RunHistory runHistory;

    @Inject
    FlowCache flows;

    /** Records of finished tasks already read, the most recent {@value #REMEMBERED_TASKS}. */
    private final Map<String, TaskRecord> finished = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRecord> eldest) {
            return size() > REMEMBERED_TASKS;
        }
    });

    static final int REMEMBERED_TASKS = 10_000;

    /** A run as listed, with when it was created: its Run object's creation, or its record's start when only that is left. */
    private record Listed(RunSummary summary, long createdAt) {
    }

    /** Every run, the newest created first, whatever its phase (a Run refused before it started has no start time). */
    @Override
    public List<RunSummary> runs() {
        List<Listed> runs = new ArrayList<>();
        for (Run run : cache.runs()) {
            runs.add(new Listed(summary(run), createdAt(run)));
        }
        for (HistoryRun run : runHistory.runs()) {
            RunKey key = run.summary().key();
            if (cache.run(key.namespace(), key.run()).isEmpty()) {
                runs.add(new Listed(run.summary(), run.summary().startedAt()));
            }
        }
        runs.sort(Comparator.comparingLong(Listed::createdAt).reversed()
                .thenComparing(listed -> listed.summary().key().namespace())
                .thenComparing(listed -> listed.summary().key().run()));
        return runs.stream().map(Listed::summary).toList();
    }

    private static long createdAt(Run run) {
        Long created = millis(run.getMetadata().getCreationTimestamp());
        return created != null ? created : 0;
    }

    static RunSummary summary(Run run) {
        RunStatus status = run.getStatus() == null ? new RunStatus() : run.getStatus();
        int[] progress = progress(status.progress);
        String user = run.getMetadata().getLabels() == null ? null : run.getMetadata().getLabels().get(TaskPodKeys.USER_LABEL);
        String flow = run.getSpec() == null || run.getSpec().flowRef == null ? null : run.getSpec().flowRef.name;
        return new RunSummary(new RunKey(run.getMetadata().getNamespace(), flow, run.getMetadata().getName()),
                status.phase == null ? RunPhase.PENDING.statusName() : status.phase, progress[0], progress[1], user,
                millis(status.startedAt), millis(status.finishedAt), status.message, false);
    }

    private static int[] progress(String text) {
        try {
            String[] parts = text.split("/");
            return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        } catch (RuntimeException e) { // no progress yet
            return new int[] {0, 0};
        }
    }

    private static Long millis(String instant) {
        try {
            return instant == null ? null : Instant.parse(instant).toEpochMilli();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Optional<Run> find(RunKey key) {
        return cache.run(key.namespace(), key.run())
                .filter(run -> run.getSpec() != null && run.getSpec().flowRef != null && key.flow().equals(run.getSpec().flowRef.name));
    }

    /** A run without its Run object, with the steps of its Flow where that still exists. */
    private Optional<HistoryRun> findHistory(RunKey key) {
        return cache.run(key.namespace(), key.run()).isPresent() ? Optional.empty() : runHistory.run(key);
    }

    private List<StepShape> historyShapes(RunKey key) {
        return flows.flow(key.namespace(), key.flow()).map(flow -> shapes(key.flow(), flow.getSpec())).orElse(List.of());
    }

    @Override
    public Optional<RunDetail> run(RunKey key) {
        Optional<Run> live = find(key);
        if (live.isPresent()) {
            return live.map(run -> new RunDetail(summary(run), EngineProgress.steps(shapes(run), state(run))));
        }
        return findHistory(key).flatMap(run -> run.recorded().detail(key, historyShapes(key), run.summary().user(), true));
    }

    @Override
    public TaskPage tasks(RunKey key, String step, int offset, int limit) {
        Optional<Run> run = find(key);
        if (run.isEmpty()) {
            return findHistory(key).map(history -> history.recorded().tasks(historyShapes(key), step, offset, limit))
                    .orElse(new TaskPage(step, 0, offset, List.of()));
        }
        StepShape shape = shapes(run.get()).stream().filter(s -> s.name().equals(step)).findFirst().orElse(StepShape.named(step));
        TaskPage page = EngineProgress.tasks(state(run.get()), shape, offset, limit);
        Optional<RunDatastore> store = datastore(key);
        if (store.isEmpty() || !RunRecords.recorded(run.get().getStatus().pinnedFlow)) { // plain containers leave no task records
            return page;
        }
        List<TaskView> tasks = page.tasks().stream().map(task -> withTimes(store.get(), key, step, task)).toList();
        return new TaskPage(page.step(), page.total(), page.offset(), tasks);
    }

    /** A finished task's times come from its record in the datastore, read once: a finished record never changes. */
    private TaskView withTimes(RunDatastore store, RunKey key, String step, TaskView task) {
        if (!task.status().equals("succeeded")) {
            return task;
        }
        String id = key.namespace() + "/" + key.run() + "/" + step + "/" + task.taskId();
        TaskRecord record = finished.get(id);
        if (record == null) {
            try {
                record = store.datastore().runs().readTask(store.flowName(), key.run(), step, task.taskId()).orElse(null);
            } catch (RuntimeException unreadable) { // the datastore is away: the page shows the task without its times
                return task;
            }
            if (record == null) {
                return task;
            }
            finished.put(id, record);
        }
        return new TaskView(task.taskId(), record.succeeded() ? "succeeded" : "failed", record.attempt(), record.startedAtMillis(),
                record.finishedAtMillis());
    }

    @Override
    public Optional<InputStream> log(RunKey key, String step, String taskId, String stream) {
        return recorded(key).flatMap(run -> run.log(step, taskId, stream));
    }

    @Override
    public List<ArtifactView> artifacts(RunKey key, String step, String taskId, int previewBytes) {
        return recorded(key).map(run -> run.artifacts(step, taskId, previewBytes)).orElse(List.of());
    }

    /** Where a run's tasks keep their logs and artifacts, whether its Run object exists or not. */
    private Optional<RecordedRun> recorded(RunKey key) {
        Optional<RunDatastore> live = datastore(key);
        if (live.isPresent()) {
            return live.map(store -> new RecordedRun(store.datastore(), store.flowName(), key.run()));
        }
        return find(key).isPresent() ? Optional.empty() : findHistory(key).map(HistoryRun::recorded);
    }

    private record RunDatastore(Datastore datastore, String flowName) {
    }

    private Optional<RunDatastore> datastore(RunKey key) {
        return find(key).map(run -> run.getStatus() == null ? null : run.getStatus().pinnedFlow)
                .flatMap(flow -> datastores.locationOf(flow).map(location -> new RunDatastore(datastores.open(location),
                        FlowGraphs.datastoreFlowName(flow))));
    }

    private static RunState state(Run run) {
        if (run.getStatus() == null || run.getStatus().engine == null || run.getStatus().engine.isNull()) {
            return null;
        }
        try {
            return Json.METADATA.treeToValue(run.getStatus().engine, RunState.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static List<StepShape> shapes(Run run) {
        FlowResourceSpec flow = run.getStatus() == null ? null : run.getStatus().pinnedFlow;
        return flow == null ? List.of() : shapes(run.getSpec().flowRef.name, flow);
    }

    private static List<StepShape> shapes(String flowName, FlowResourceSpec flow) {
        if (flow == null || flow.steps == null) {
            return List.of();
        }
        try {
            return StepShapes.of(FlowGraphs.graph(flowName, flow), step -> flow.steps.stream()
                    .filter(s -> s.name.equals(step) && s.resources != null).findFirst().map(ClusterRunSource::requests).orElse(null));
        } catch (RuntimeException invalid) { // a graph the operator refused: its steps by name
            return flow.steps.stream().map(step -> StepShape.named(step.name)).toList();
        }
    }

    private static String[] requests(StepSpec step) {
        return new String[] {step.resources.cpu, step.resources.memory, step.resources.gpu == null ? null : step.resources.gpu.toString()};
    }

    @Override
    public List<PoolView> pools() {
        return cache.pools().stream().sorted(Comparator.comparing(pool -> pool.getMetadata().getName()))
                .map(this::view).toList();
    }

    private PoolView view(ComputePool pool) {
        var spec = pool.getSpec();
        var status = pool.getStatus();
        String name = pool.getMetadata().getName();
        return new PoolView(name, spec.nodeSelector, spec.tolerations.stream().map(ClusterRunSource::toleration).toList(),
                describe(spec.maxTaskResources), describe(spec.quota), autoscaler(pool), status == null || status.nodes == null ? 0 : status.nodes,
                PoolDemand.resources(status == null ? null : status.allocatable),
                PoolDemand.resources(status == null ? null : status.requestedRunning),
                PoolDemand.resources(status == null ? null : status.requestedWaiting),
                status == null || status.queuedTasks == null ? 0 : status.queuedTasks, history.of(name));
    }

    /** The node pool that adds nodes to the pool, as its status shows it, e.g. "NodePool azure: instances up to 16 CPU, 64Gi; …". */
    private static String autoscaler(ComputePool pool) {
        NodePoolReference reference = pool.getSpec().nodePool;
        if (reference == null) {
            return pool.getSpec().scalable ? "scalable" : null;
        }
        NodePoolStatus status = pool.getStatus() == null ? null : pool.getStatus().nodePool;
        StringBuilder text = new StringBuilder("NodePool ").append(reference.name);
        if (reference.largestInstance != null) {
            text.append(": instances up to ").append(describe(reference.largestInstance));
        }
        if (status != null && status.limits != null) {
            text.append("; limits ").append(describe(status.limits));
        }
        if (status != null && status.nodes != null) {
            text.append("; ").append(status.nodes).append(" node(s) provisioned");
        }
        return text.toString();
    }

    private static String toleration(Toleration toleration) {
        return (toleration.getKey() == null ? "*" : toleration.getKey())
                + (toleration.getValue() == null ? "" : "=" + toleration.getValue())
                + (toleration.getEffect() == null ? "" : ":" + toleration.getEffect());
    }

    private static String describe(PoolResources resources) {
        if (resources == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        if (resources.cpu != null) {
            text.append(resources.cpu).append(" CPU");
        }
        if (resources.memory != null) {
            text.append(text.isEmpty() ? "" : ", ").append(resources.memory);
        }
        if (resources.gpu != null && resources.gpu > 0) {
            text.append(text.isEmpty() ? "" : ", ").append(resources.gpu).append(" GPU");
        }
        return text.toString();
    }
}
