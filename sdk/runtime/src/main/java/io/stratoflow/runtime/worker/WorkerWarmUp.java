package io.stratoflow.runtime.worker;

import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;
import io.stratoflow.task.runner.TaskResult;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads, before a worker says it is ready, the classes its first task would otherwise load while
 * the run waits on it: the flow's definition, the JSON codecs of its artifact types, the content
 * store and the metadata records, exercised against a scratch datastore that is deleted after.
 * A worker started in the middle of a fan-out then takes its first task warm instead of running
 * it several times slower than the workers already there. Best effort: any failure is ignored,
 * since the real task reports its own.
 */
final class WorkerWarmUp {

    private WorkerWarmUp() {
    }

    static void run(String flowClassName, ClassLoader classLoader) {
        Path scratch = null;
        try {
            @SuppressWarnings("unchecked")
            Class<? extends FlowSpec> type = (Class<? extends FlowSpec>) Class.forName(flowClassName, true, classLoader);
            FlowDefinition flow = FlowIntrospector.inspect(type);
            FlowSpec instance = FlowIntrospector.instantiate(type);
            scratch = Files.createTempDirectory("stratoflow-warm-up");
            Datastore datastore = new Datastore(scratch);
            Map<String, ArtifactRef> artifacts = new LinkedHashMap<>();
            for (Field field : flow.artifacts().values()) {
                roundTrip(datastore, field, instance, artifacts);
            }
            TaskRecord record = new TaskRecord("warm-up", "0", 0, TaskRecord.SUCCEEDED, artifacts, null, null, 0, 0, null);
            datastore.runs().writeTask("warm-up", "0", record);
            datastore.runs().readTask("warm-up", "0", "warm-up", "0");
            TaskSpec request = new TaskSpec("warm-up", flowClassName, "0", "warm-up", "0", 0,
                    List.of(new TaskSpec.TaskRef("warm-up", "0")), null, Map.of(), datastore.location(), null);
            TaskSpecCodec.decode(TaskSpecCodec.encode(request));
            Json.METADATA.writeValueAsString(TaskResult.success(null));
        } catch (Exception | LinkageError e) {
            // The first real task meets the same problem and reports it.
        } finally {
            deleteQuietly(scratch);
        }
    }

    private static void roundTrip(Datastore datastore, Field field, FlowSpec instance, Map<String, ArtifactRef> artifacts) {
        try {
            ArtifactRef ref = datastore.artifacts().write(field.getName(), field.getGenericType(), field.get(instance));
            datastore.artifacts().read(field.getName(), ref, field.getGenericType());
            artifacts.put(field.getName(), ref);
        } catch (Exception e) {
            // An artifact the real task cannot store either; it says so then.
        }
    }

    private static void deleteQuietly(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
