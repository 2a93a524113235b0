package io.stratoflow.e2e.support;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.runtime.LocalRuntime;
import io.stratoflow.runtime.ProgressListener;
import io.stratoflow.runtime.RunOptions;
import io.stratoflow.runtime.RunOutcome;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The same flow run on this machine by the local runtime, and the artifacts of a run, task by task. */
public final class LocalRuns {

    private LocalRuns() {
    }

    public static RunOutcome run(Class<? extends FlowSpec> type, Map<String, Object> parameters, Path datastore) {
        FlowDefinition flow = ClusterFlows.definition(type);
        return new LocalRuntime(new Datastore(datastore), ProgressListener.SILENT).run(flow, new RunOptions(parameters, 8, 100, 1024));
    }

    /** Every artifact of every task of a run: "step/task/name" → content hash (and the type it was written as). */
    public static Map<String, String> artifacts(Datastore datastore, FlowDefinition flow, String runId) {
        Map<String, String> all = new TreeMap<>();
        for (String step : flow.graph().topologicalOrder()) {
            for (TaskRecord task : datastore.runs().listTasks(flow.name(), runId, step)) {
                for (Map.Entry<String, ArtifactRef> artifact : task.artifacts().entrySet()) {
                    all.put(step + "/" + task.taskId() + "/" + artifact.getKey(), artifact.getValue().hash() + " " + artifact.getValue().type());
                }
            }
        }
        return all;
    }

    /** One artifact of the first task of a step. */
    public static Object artifact(Datastore datastore, String flow, String runId, String step, String name) {
        TaskRecord task = datastore.runs().readTask(flow, runId, step, "0").orElseThrow(
                () -> new AssertionError(step + "/0 of " + flow + "/" + runId + " has no record"));
        return datastore.artifacts().read(name, task.artifacts().get(name), Object.class);
    }
}
