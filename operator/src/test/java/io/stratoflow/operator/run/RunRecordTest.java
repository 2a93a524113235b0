package io.stratoflow.operator.run;

import com.fasterxml.jackson.databind.JavaType;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.ParameterSpec;
import io.stratoflow.model.ResumeSpec;
import io.stratoflow.model.Run;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.task.TaskSpec;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.fail;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.map;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static io.stratoflow.operator.Fixtures.taskSpec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster Run of an SDK flow leaves the record a local run leaves in the datastore: running with its typed
 * parameters from its start, then its end; a resumed Run names its origin; a final record stays as it is; and a
 * datastore that cannot be written holds nothing up.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RunRecordTest {

    /** The fields a local flow would declare for the parameters below: the local runtime stores by their types. */
    @SuppressWarnings("unused")
    static final class LocalFlowFields {
        double alpha;
        String name;
        String greeting;
        List<Integer> layers;
        Map<String, Long> limits;
        String[] tags;
        int epochs;
    }

    /** Stands in for a type of the flow's own code, which the operator cannot load ({@code com.example.Point}). */
    record Point(int x, int y) {
    }

    @Inject
    KubernetesClient client;

    @Inject
    RunDatastores datastores;

    static ParameterSpec parameter(String name, String type, String defaultValue) {
        ParameterSpec parameter = new ParameterSpec();
        parameter.name = name;
        parameter.type = type;
        parameter.defaultValue = defaultValue;
        return parameter;
    }

    /** start -> end, SDK steps, with parameters of JDK types and one of the flow's own. */
    static Flow sdkFlow(String ns, String name, String datastoreName) {
        Flow flow = flow(ns, name, List.of(step("start", "end"), step("end")));
        flow.getSpec().runner.flowName = datastoreName;
        flow.getSpec().parameters.addAll(List.of(
                parameter("alpha", "double", "0.5"),
                parameter("name", "java.lang.String", "world"),
                parameter("greeting", "java.lang.String", "hello"),
                parameter("layers", "java.util.List<java.lang.Integer>", "[128]"),
                parameter("limits", "java.util.Map<java.lang.String, java.lang.Long>", "{}"),
                parameter("tags", "java.lang.String[]", "[]"),
                parameter("epochs", "int", "3"),
                parameter("origin", "com.example.Point", "{\"x\":0,\"y\":0}")));
        return flow;
    }

    Datastore datastore(FlowResourceSpec flow) {
        return datastores.open(datastores.locationOf(flow).orElseThrow());
    }

    /** A flow directory a previous build left in the test datastore is not this test's. */
    static void forget(Datastore datastore, String flow) throws IOException {
        deleteRecursively(datastore.root().resolve("flows").resolve(flow));
    }

    static Type fieldType(String name) throws NoSuchFieldException {
        return LocalFlowFields.class.getDeclaredField(name).getGenericType();
    }

    /** What the client API returns for a parameter: the value read back by the type its reference names. */
    static Object typed(Datastore datastore, String name, ArtifactRef ref) {
        JavaType type = Json.ARTIFACTS.getTypeFactory().constructFromCanonical(ref.type());
        return datastore.artifacts().read(name, ref, type);
    }

    RunRecord awaitRecord(Datastore datastore, String flow, String run, RunPhase phase) {
        return eventually().until(() -> datastore.runs().readRun(flow, run), r -> r.isPresent() && r.get().phase() == phase).orElseThrow();
    }

    Condition recorded(String ns, String run) {
        Run current = getRun(client, ns, run);
        return current.getStatus() == null ? null : condition(current.getStatus().conditions, RunConditionType.RUN_RECORDED.type()).orElse(null);
    }

    @Test
    void aRunIsRecordedRunningWithItsTypedParametersThenSucceeded() throws Exception {
        String ns = "records";
        Flow flow = sdkFlow(ns, "train-model", "TrainModel");
        Datastore datastore = datastore(flow.getSpec());
        forget(datastore, "TrainModel");
        client.resource(flow).create();
        Run run = run(ns, "train-1", "train-model");
        run.getSpec().parameters.putAll(map("alpha", "0.25", "greeting", "hi there", "layers", "[64, 32]",
                "limits", "{\"cpu\": 4}", "tags", "[\"a\",\"b\"]", "origin", "{\"x\": 1, \"y\": 2}"));
        client.resource(run).create();

        Pod start = awaitLivePod(client, ns, "train-1", "start");
        RunRecord running = awaitRecord(datastore, "TrainModel", "train-1", RunPhase.RUNNING);
        // Where the tasks keep their records: the same flow name and run id.
        TaskSpec task = taskSpec(start);
        assertThat(running.flow()).isEqualTo(task.flow()).isEqualTo("TrainModel");
        assertThat(running.runId()).isEqualTo(task.runId()).isEqualTo("train-1");
        assertThat(running.flowClass()).isEqualTo("com.example.train_model");
        assertThat(running.finishedAtMillis()).isNull();
        assertThat(running.message()).isNull();
        assertThat(running.origin()).isNull();
        assertThat(running.resumeStep()).isNull();
        Run started = eventually().until(() -> getRun(client, ns, "train-1"), r -> r.getStatus() != null && r.getStatus().startedAt != null);
        assertThat(running.startedAtMillis()).isEqualTo(Instant.parse(started.getStatus().startedAt).toEpochMilli());
        assertThat(condition(started.getStatus().conditions, RunConditionType.RUN_RECORDED.type()).orElseThrow())
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"))
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("Running"));

        // Every parameter, stored as the local runtime stores it: the codec, under the field's declared type.
        Map<String, ArtifactRef> parameters = running.parameters();
        assertThat(parameters).containsOnlyKeys("alpha", "name", "greeting", "layers", "limits", "tags", "epochs", "origin");
        assertThat(parameters.get("alpha")).isEqualTo(datastore.artifacts().write("alpha", fieldType("alpha"), 0.25));
        assertThat(parameters.get("name")).isEqualTo(datastore.artifacts().write("name", fieldType("name"), "world"));
        assertThat(parameters.get("greeting")).isEqualTo(datastore.artifacts().write("greeting", fieldType("greeting"), "hi there"));
        assertThat(parameters.get("layers")).isEqualTo(datastore.artifacts().write("layers", fieldType("layers"), List.of(64, 32)));
        assertThat(parameters.get("limits")).isEqualTo(datastore.artifacts().write("limits", fieldType("limits"), Map.of("cpu", 4L)));
        assertThat(parameters.get("tags")).isEqualTo(datastore.artifacts().write("tags", fieldType("tags"), new String[] {"a", "b"}));
        assertThat(parameters.get("epochs")).isEqualTo(datastore.artifacts().write("epochs", fieldType("epochs"), 3));
        // A type of the flow's own code: the same content, under its name.
        assertThat(parameters.get("origin").hash()).isEqualTo(datastore.artifacts().write("origin", Point.class, new Point(1, 2)).hash());
        assertThat(parameters.get("origin").type()).isEqualTo("com.example.Point");
        // And read back typed, as RunRef.parameter reads them.
        assertThat(typed(datastore, "alpha", parameters.get("alpha"))).isEqualTo(0.25);
        assertThat(typed(datastore, "name", parameters.get("name"))).isEqualTo("world");
        assertThat(typed(datastore, "greeting", parameters.get("greeting"))).isEqualTo("hi there");
        assertThat(typed(datastore, "layers", parameters.get("layers"))).isEqualTo(List.of(64, 32));
        assertThat(typed(datastore, "limits", parameters.get("limits"))).isEqualTo(Map.of("cpu", 4L));
        assertThat(typed(datastore, "tags", parameters.get("tags"))).isEqualTo(new String[] {"a", "b"});
        assertThat(typed(datastore, "epochs", parameters.get("epochs"))).isEqualTo(3);
        assertThat(datastore.artifacts().read("origin", parameters.get("origin"), Point.class)).isEqualTo(new Point(1, 2));

        succeed(client, start);
        succeed(client, awaitLivePod(client, ns, "train-1", "end"));
        Run done = eventually().until(() -> getRun(client, ns, "train-1"), r -> "Succeeded".equals(r.getStatus().phase));
        RunRecord succeeded = awaitRecord(datastore, "TrainModel", "train-1", RunPhase.SUCCEEDED);
        assertThat(succeeded.finishedAtMillis()).isEqualTo(Instant.parse(done.getStatus().finishedAt).toEpochMilli());
        assertThat(succeeded.message()).isEqualTo(done.getStatus().message);
        assertThat(succeeded).isEqualTo(running.finished(RunPhase.SUCCEEDED, done.getStatus().message, succeeded.finishedAtMillis()));
        assertThat(datastore.runs().listRuns("TrainModel")).extracting(RunRecord::runId).containsExactly("train-1");
        assertThat(eventually().until(() -> recorded(ns, "train-1"), c -> c != null && "Succeeded".equals(c.getReason())).getStatus())
                .isEqualTo("True");
    }

    @Test
    void aFailedRunIsRecordedWithItsMessage() throws Exception {
        String ns = "records-failed";
        Flow flow = sdkFlow(ns, "broken", "Broken");
        Datastore datastore = datastore(flow.getSpec());
        forget(datastore, "Broken");
        client.resource(flow).create();
        client.resource(run(ns, "broken-1", "broken")).create();

        fail(client, awaitLivePod(client, ns, "broken-1", "start"), 1, "Error", "java.lang.IllegalStateException: no data");
        Run failed = eventually().until(() -> getRun(client, ns, "broken-1"), r -> "Failed".equals(r.getStatus().phase));
        RunRecord record = awaitRecord(datastore, "Broken", "broken-1", RunPhase.FAILED);
        assertThat(record.message()).isEqualTo(failed.getStatus().message).contains("Step 'start'").contains("no data");
        assertThat(record.startedAtMillis()).isEqualTo(Instant.parse(failed.getStatus().startedAt).toEpochMilli());
        assertThat(record.finishedAtMillis()).isEqualTo(Instant.parse(failed.getStatus().finishedAt).toEpochMilli());
        // Nothing set: the Flow's defaults, typed.
        assertThat(typed(datastore, "alpha", record.parameters().get("alpha"))).isEqualTo(0.5);
        assertThat(typed(datastore, "layers", record.parameters().get("layers"))).isEqualTo(List.of(128));
    }

    @Test
    void aResumedRunRecordsItsOriginAndItsOriginsParameters() throws Exception {
        String ns = "records-resume";
        Flow flow = sdkFlow(ns, "resumable", "Resumable");
        Datastore datastore = datastore(flow.getSpec());
        forget(datastore, "Resumable");
        client.resource(flow).create();
        Run origin = run(ns, "first", "resumable");
        origin.getSpec().parameters.putAll(map("alpha", "0.75", "epochs", "7"));
        client.resource(origin).create();
        succeed(client, awaitLivePod(client, ns, "first", "start"));
        // What the start task of the origin left in the datastore, which the resumed Run clones.
        datastore.runs().writeTask("Resumable", "first", new TaskRecord("start", "0", 0, TaskRecord.SUCCEEDED, Map.of(), null, null,
                1L, 2L, null));
        fail(client, awaitLivePod(client, ns, "first", "end"), 1, "Error", "boom");
        eventually().until(() -> getRun(client, ns, "first"), r -> "Failed".equals(r.getStatus().phase));
        RunRecord originRecord = awaitRecord(datastore, "Resumable", "first", RunPhase.FAILED);

        Run resumed = run(ns, "second", "resumable");
        resumed.getSpec().resume = new ResumeSpec();
        resumed.getSpec().resume.originRun = "first";
        resumed.getSpec().resume.step = "end";
        client.resource(resumed).create();

        Pod end = awaitLivePod(client, ns, "second", "end");
        RunRecord running = awaitRecord(datastore, "Resumable", "second", RunPhase.RUNNING);
        assertThat(running.origin()).isEqualTo("first");
        assertThat(running.resumeStep()).isEqualTo("end");
        // It sets no parameters, so it runs with its origin's, as a local resume does.
        assertThat(running.parameters()).isEqualTo(originRecord.parameters());
        assertThat(typed(datastore, "epochs", running.parameters().get("epochs"))).isEqualTo(7);
        assertThat(datastore.runs().readTask("Resumable", "second", "start", "0")).get()
                .extracting(TaskRecord::status).isEqualTo(TaskRecord.CLONED);

        succeed(client, end);
        RunRecord succeeded = awaitRecord(datastore, "Resumable", "second", RunPhase.SUCCEEDED);
        assertThat(succeeded.origin()).isEqualTo("first");
        assertThat(succeeded.resumeStep()).isEqualTo("end");
    }

    @Test
    void aFinalRecordIsNotWrittenAgain() throws Exception {
        String ns = "records-final";
        Flow flow = sdkFlow(ns, "once", "Once");
        Datastore datastore = datastore(flow.getSpec());
        forget(datastore, "Once");
        client.resource(flow).create();
        client.resource(run(ns, "once-1", "once")).create();
        succeed(client, awaitLivePod(client, ns, "once-1", "start"));
        succeed(client, awaitLivePod(client, ns, "once-1", "end"));
        RunRecord succeeded = awaitRecord(datastore, "Once", "once-1", RunPhase.SUCCEEDED);
        eventually().until(() -> recorded(ns, "once-1"), c -> c != null && "Succeeded".equals(c.getReason()));

        // Someone's later word on the run, which a rewrite would lose.
        RunRecord annotated = new RunRecord(succeeded.flow(), succeeded.runId(), succeeded.flowClass(), RunPhase.SUCCEEDED,
                succeeded.startedAtMillis(), succeeded.finishedAtMillis() + 1, "kept as it was", succeeded.parameters(), null, null);
        datastore.runs().writeRun(annotated);
        // The Run again, as an operator whose status write was lost would see it: not recorded yet, and a changed spec.
        client.resources(Run.class).inNamespace(ns).withName("once-1").edit(r -> {
            r.getStatus().conditions.removeIf(c -> c.getType().equals(RunConditionType.RUN_RECORDED.type()));
            r.getSpec().parameters.put("alpha", "0.125");
            return r;
        });
        eventually().until(() -> recorded(ns, "once-1"), c -> c != null && "Succeeded".equals(c.getReason()));
        assertThat(datastore.runs().readRun("Once", "once-1")).contains(annotated);
    }

    @Test
    void aDatastoreThatCannotBeWrittenIsReportedAndTheRecordWrittenLater() throws Exception {
        String ns = "records-unwritable";
        Path blocked = Path.of("target", "test-datastore-unwritable");
        deleteRecursively(blocked);
        Files.writeString(blocked, "a file where the datastore's directory should be");
        Flow flow = sdkFlow(ns, "offline", "Offline");
        flow.getSpec().runner.datastore = blocked.toString();
        Datastore datastore = datastore(flow.getSpec());
        client.resource(flow).create();
        client.resource(run(ns, "offline-1", "offline")).create();

        // The Run goes on: its first Pod is created, and the condition and an Event say why it has no record.
        Pod start = awaitLivePod(client, ns, "offline-1", "start");
        Condition notRecorded = eventually().until(() -> recorded(ns, "offline-1"), c -> c != null && "False".equals(c.getStatus()));
        assertThat(notRecorded.getReason()).isEqualTo("DatastoreUnavailable");
        assertThat(notRecorded.getMessage()).contains("cannot be recorded").contains(blocked.getFileName().toString());
        assertThat(getRun(client, ns, "offline-1").getStatus().phase).isEqualTo("Running");
        List<Event> warnings = eventually().until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "DatastoreUnavailable".equals(e.getReason())).toList(), l -> !l.isEmpty());
        assertThat(warnings.get(0).getType()).isEqualTo("Warning");
        assertThat(warnings.get(0).getInvolvedObject().getName()).isEqualTo("offline-1");

        // The datastore is back: a later pass records the run.
        Files.delete(blocked);
        succeed(client, start);
        RunRecord running = awaitRecord(datastore, "Offline", "offline-1", RunPhase.RUNNING);
        assertThat(running.startedAtMillis()).isEqualTo(Instant.parse(getRun(client, ns, "offline-1").getStatus().startedAt).toEpochMilli());
        assertThat(eventually().until(() -> recorded(ns, "offline-1"), c -> c != null && "True".equals(c.getStatus())).getReason())
                .isEqualTo("Running");
        succeed(client, awaitLivePod(client, ns, "offline-1", "end"));
        assertThat(awaitRecord(datastore, "Offline", "offline-1", RunPhase.SUCCEEDED).origin()).isNull();
    }

    static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        } else {
            Files.deleteIfExists(path);
        }
    }
}
