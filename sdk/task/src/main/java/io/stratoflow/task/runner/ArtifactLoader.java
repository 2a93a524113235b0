package io.stratoflow.task.runner;

import io.stratoflow.task.TaskSpec;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.definition.ParameterDefinition;

import io.stratoflow.graph.FlowGraph;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Fills flow objects with parameters and the artifacts of the tasks a step starts from. */
final class ArtifactLoader {

    private final FlowDefinition flow;
    private final Datastore datastore;
    private final RunRecord run;
    private final Set<String> parameterFields;

    ArtifactLoader(FlowDefinition flow, Datastore datastore, RunRecord run) {
        this.flow = flow;
        this.datastore = datastore;
        this.run = run;
        this.parameterFields = flow.parameters().stream().map(p -> p.field().getName()).collect(Collectors.toSet());
    }

    void applyParameters(FlowSpec instance) {
        for (ParameterDefinition parameter : flow.parameters()) {
            ArtifactRef ref = run.parameters().get(parameter.name());
            if (ref != null) {
                set(instance, parameter.field(), datastore.artifacts().read(parameter.name(), ref, parameter.field().getGenericType()));
            }
        }
    }

    List<TaskRecord> parentRecords(TaskSpec request) {
        List<TaskSpec.TaskRef> refs = new ArrayList<>(request.parents());
        if (request.branches() != null) {
            for (int i = 0; i < request.branches().count(); i++) {
                refs.add(request.branches().branch(i));
            }
        }
        List<TaskRecord> records = new ArrayList<>(refs.size());
        for (TaskSpec.TaskRef ref : refs) {
            records.add(datastore.runs().readTask(request.flow(), request.runId(), ref.step(), ref.taskId())
                    .filter(TaskRecord::succeeded)
                    .orElseThrow(() -> new IllegalStateException("Task " + ref.step() + "/" + ref.taskId() + " of run " + request.runId()
                            + " has no successful record in the datastore at " + request.datastore().describe())));
        }
        return records;
    }

    /** Sets the fields of {@code instance} from a task's artifacts; returns what it set. */
    Map<String, ArtifactRef> applyArtifacts(FlowSpec instance, TaskRecord record) {
        Map<String, ArtifactRef> applied = new LinkedHashMap<>();
        record.artifacts().forEach((name, ref) -> {
            Field field = flow.artifacts().get(name);
            if (field != null && !parameterFields.contains(name)) {
                set(instance, field, datastore.artifacts().read(name, ref, field.getGenericType()));
                applied.put(name, ref);
            }
        });
        return applied;
    }

    /**
     * Where a task sits in its innermost foreach: for the step right after the foreach, the
     * element of the parent's list; for later steps of the branch, the element its parent had.
     */
    TaskExecutor.ForeachPosition foreachPosition(TaskSpec request, TaskRecord parent, FlowSpec instance) {
        FlowGraph.StepInfo step = flow.graph().step(request.step());
        if (step.enclosingForeach() == null) {
            return TaskExecutor.ForeachPosition.NONE;
        }
        String taskId = request.taskId();
        int index = Integer.parseInt(taskId.substring(taskId.lastIndexOf('.') + 1));
        Field listField = flow.artifacts().get(flow.graph().step(step.enclosingForeach()).foreachField());
        Type elementType = elementType(listField);
        if (parent.step().equals(step.enclosingForeach())) {
            try {
                Object element = ((List<?>) listField.get(instance)).get(index);
                ArtifactRef ref = datastore.artifacts().write("input", elementType, element);
                return new TaskExecutor.ForeachPosition(index, element, ref);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        if (parent.foreachInput() == null) {
            return new TaskExecutor.ForeachPosition(index, null, null);
        }
        return new TaskExecutor.ForeachPosition(index, datastore.artifacts().read("input", parent.foreachInput(), elementType),
                parent.foreachInput());
    }

    private static Type elementType(Field listField) {
        if (listField.getGenericType() instanceof ParameterizedType list && list.getActualTypeArguments().length == 1) {
            return list.getActualTypeArguments()[0];
        }
        return Object.class;
    }

    Inputs<FlowSpec> inputs(List<TaskRecord> records) {
        return new Inputs<>(new Inputs.Source<>() {
            @Override
            public int size() {
                return records.size();
            }

            @Override
            public FlowSpec load(int position) {
                FlowSpec input = FlowIntrospector.instantiate(flow.type());
                applyParameters(input);
                applyArtifacts(input, records.get(position));
                return input;
            }

            @Override
            public String stepOf(int position) {
                return records.get(position).step();
            }
        });
    }

    /**
     * Copies into {@code target} the artifacts of the joined branches, the way Metaflow's
     * {@code merge_artifacts} does: a branch counts for an artifact only if it changed it from what
     * the branch started with (the artifacts of the split it comes from), so an artifact computed in
     * one branch is merged even though the other branches carry the value they inherited. Values
     * that differ between branches that changed them are an error naming them and the branches,
     * unless excluded or already set by the join itself, which merging never overwrites.
     */
    void merge(FlowSpec target, List<TaskRecord> joined, Set<String> exclude, TaskSpec join) {
        String joinStep = join.step();
        Map<String, ArtifactRef> inherited = splitRecord(join).map(TaskRecord::artifacts).orElse(Map.of());
        FlowSpec untouched = FlowIntrospector.instantiate(flow.type());
        applyParameters(untouched);
        Map<String, ArtifactRef> agreed = new LinkedHashMap<>();
        Map<String, String> firstSetIn = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        for (TaskRecord record : joined) {
            for (Map.Entry<String, ArtifactRef> artifact : record.artifacts().entrySet()) {
                String name = artifact.getKey();
                Field field = flow.artifacts().get(name);
                if (exclude.contains(name) || parameterFields.contains(name) || field == null || setByJoin(field, target, untouched)) {
                    continue;
                }
                ArtifactRef before = inherited.get(name);
                boolean changedByBranch = before == null || !before.hash().equals(artifact.getValue().hash());
                if (!changedByBranch) {
                    agreed.putIfAbsent(name, artifact.getValue());
                    continue;
                }
                String branch = record.step() + "/" + record.taskId();
                String previousBranch = firstSetIn.putIfAbsent(name, branch);
                if (previousBranch == null) {
                    agreed.put(name, artifact.getValue());
                } else if (!agreed.get(name).hash().equals(artifact.getValue().hash()) && !conflictNamed(conflicts, name)) {
                    conflicts.add("'" + name + "' (differs between " + previousBranch + " and " + branch + ")");
                }
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException("Step " + joinStep + " cannot merge artifacts whose values conflict: "
                    + String.join(", ", conflicts) + ". Set them in the join step before merging, or exclude them: merge(inputs, "
                    + conflicts.stream().map(c -> "\"" + c.substring(1, c.indexOf('\'', 1)) + "\"").collect(Collectors.joining(", ")) + ")");
        }
        agreed.forEach((name, ref) -> set(target, flow.artifacts().get(name),
                datastore.artifacts().read(name, ref, flow.artifacts().get(name).getGenericType())));
    }

    /** The task of the split (static or foreach) that the join closes: what every branch started from. */
    private Optional<TaskRecord> splitRecord(TaskSpec join) {
        String split = flow.graph().step(join.step()).joins();
        if (split == null) {
            return Optional.empty();
        }
        return datastore.runs().readTask(join.flow(), join.runId(), split, join.taskId()).filter(TaskRecord::succeeded);
    }

    /** Whether the join step already assigned the field: its value is no longer what a new flow object holds. */
    private static boolean setByJoin(Field field, FlowSpec target, FlowSpec untouched) {
        try {
            Object now = field.get(target);
            Object initial = field.get(untouched);
            if (Objects.deepEquals(now, initial)) {
                return false;
            }
            if (now == null || initial == null || now.getClass() != initial.getClass()) {
                return true;
            }
            // Values without equals(): compare what would be stored.
            ObjectWriter writer = Json.ARTIFACTS.writerFor(Json.ARTIFACTS.constructType(field.getGenericType()));
            return !Arrays.equals(writer.writeValueAsBytes(now), writer.writeValueAsBytes(initial));
        } catch (IllegalAccessException | IOException | RuntimeException e) {
            return true;
        }
    }

    private static boolean conflictNamed(List<String> conflicts, String name) {
        return conflicts.stream().anyMatch(c -> c.startsWith("'" + name + "'"));
    }

    private static void set(FlowSpec instance, Field field, Object value) {
        try {
            field.set(instance, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot set artifact field " + field.getName() + ": " + e.getMessage(), e);
        }
    }
}
