package io.stratoflow.task;

import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;

import java.util.List;
import java.util.Map;

/**
 * Everything a task needs to run one attempt of a step, whoever started it: a local worker reads
 * it from its input, a Pod from its environment, both through {@link TaskSpecCodec}.
 *
 * @param flow        the flow's name in the datastore
 * @param flowClass   the flow's Java class
 * @param runId       the run's id in the datastore (on a cluster, the Run's name)
 * @param parents     the tasks whose artifacts the step starts from (one, or one per static branch)
 * @param branches    for the join of a foreach: the branches it receives; otherwise null
 * @param parameters  parameter values as JSON text by name, for the first task of a run that finds no run record
 *                    (a local run records its parameters itself and sends none)
 * @param datastore   where artifacts, records and logs live
 * @param codePackage the id of the code package holding the flow's classes, fetched before the step runs; null when
 *                    the classes are already on the task's classpath (a local worker)
 */
public record TaskSpec(String flow, String flowClass, String runId, String step, String taskId, int attempt,
                       List<TaskRef> parents, Branches branches, Map<String, String> parameters,
                       DatastoreLocation datastore, String codePackage) {

    public TaskSpec {
        parents = parents == null ? List.of() : List.copyOf(parents);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** The spec of an attempt the engine started, with its inputs as the engine decided them. */
    public static TaskSpec of(String flow, String flowClass, String runId, TaskKey task, int attempt, TaskInputs inputs,
                              Map<String, String> parameters, DatastoreLocation datastore, String codePackage) {
        List<TaskRef> parents = List.of();
        Branches branches = null;
        if (inputs instanceof TaskInputs.Parents p) {
            parents = p.tasks().stream().map(t -> new TaskRef(t.step(), t.taskId())).toList();
        } else if (inputs instanceof TaskInputs.ForeachBranches b) {
            branches = new Branches(b.step(), b.prefix().toString(), b.count());
        }
        return new TaskSpec(flow, flowClass, runId, task.step(), task.taskId(), attempt, parents, branches, parameters, datastore,
                codePackage);
    }

    /** A task of the same run. */
    public record TaskRef(String step, String taskId) {
    }

    /** The tasks of {@code step} with ids {@code prefix.0 … prefix.(count-1)}. */
    public record Branches(String step, String prefix, int count) {
        public TaskRef branch(int i) {
            return new TaskRef(step, prefix.isEmpty() ? Integer.toString(i) : prefix + "." + i);
        }
    }

    public String describe() {
        return step + "/" + taskId + " (attempt " + attempt + ")";
    }
}
