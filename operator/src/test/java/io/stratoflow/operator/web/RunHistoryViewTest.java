package io.stratoflow.operator.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.model.Run;
import io.stratoflow.operator.run.RunCache;
import io.stratoflow.view.Access;
import io.stratoflow.view.ViewApi;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.phase;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web view keeps a run after its Run object is deleted, read from the records its datastore keeps, and lists
 * every run newest created first, whatever its phase.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RunHistoryViewTest {

    static final String NS = "web-history";
    static final Path DATASTORE = Path.of("target/test-datastore");

    @Inject
    KubernetesClient client;

    @Inject
    ClusterRunSource runs;

    @Inject
    RunHistory history;

    @Inject
    RunCache cache;

    private final Access.Viewer anyone = Access.anyone("test").viewer(null).orElseThrow();

    @Test
    void aDeletedRunIsShownFromItsRecordsOnceAndRunsAreListedNewestCreatedFirst() throws Exception {
        deleteRecursively(DATASTORE.resolve("flows/kept"));
        client.resource(flow(NS, "kept", List.of(step("start", "end"), step("end")))).create();
        client.resource(flow(NS, "cyclic", List.of(step("start", "a"), step("a", "b"), step("b", "a"), step("end")))).create();
        ViewApi api = new ViewApi(runs);

        finish("gone");
        try (Datastore datastore = new Datastore(DATASTORE)) {
            ArtifactRef greeting = datastore.artifacts().write("greeting", String.class, "hello from a deleted run");
            datastore.runs().writeTask("kept", "gone", new TaskRecord("start", "0", 0, TaskRecord.SUCCEEDED, Map.of("greeting", greeting),
                    null, null, 1_000_000L, 1_002_000L, null));
            Files.writeString(datastore.runs().logFile("kept", "gone", "start", "0", 0, "stdout"), "started, then deleted\n");
        }
        client.resources(Run.class).inNamespace(NS).withName("gone").delete();
        eventually().until(() -> cache.run(NS, "gone").isEmpty());
        pauseForTheNextSecond(); // creation times are in whole seconds

        finish("both");
        pauseForTheNextSecond();
        client.resource(run(NS, "refused", "cyclic")).create();
        eventually().until(() -> phase(client, NS, "refused"), "Failed"::equals);
        pauseForTheNextSecond();
        client.resource(run(NS, "later", "kept")).create();
        awaitLivePod(client, NS, "later", "start");
        eventually().until(() -> phase(client, NS, "later"), "Running"::equals);
        history.refresh();

        JsonNode listed = json(api, "/api/runs", Map.of("namespace", NS)).path("runs");
        List<String> names = new ArrayList<>();
        listed.forEach(run -> names.add(run.at("/key/run").asText()));
        assertThat(names).as("newest created first; a run with its Run object and its record, once").containsExactly("later", "refused", "both", "gone");
        assertThat(listed.get(3).path("runDeleted").asBoolean()).isTrue();
        assertThat(listed.get(3).path("phase").asText()).isEqualTo("Succeeded");
        assertThat(listed.get(3).at("/key/flow").asText()).isEqualTo("kept");
        assertThat(listed.get(2).path("runDeleted").asBoolean()).isFalse();
        assertThat(listed.get(1).path("startedAt").isNumber()).as("refused before it started").isFalse();

        String gone = "/api/runs/" + NS + "/kept/gone";
        JsonNode detail = json(api, gone);
        assertThat(detail.at("/summary/runDeleted").asBoolean()).isTrue();
        assertThat(detail.path("steps").findValuesAsText("name")).containsExactly("start", "end");
        assertThat(detail.at("/steps/0/done").asInt()).isEqualTo(1);
        assertThat(detail.at("/steps/1/done").asInt()).isEqualTo(1);

        JsonNode task = json(api, gone + "/steps/start/tasks").path("tasks").get(0);
        assertThat(task.path("status").asText()).isEqualTo("succeeded");
        assertThat(task.path("finishedAt").asLong()).isEqualTo(1_002_000L);

        ViewApi.Answer log = api.get(gone + "/steps/start/tasks/0/log", Map.of(), anyone);
        assertThat(log.status()).isEqualTo(200);
        try (var in = log.stream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("started, then deleted\n");
        }
        JsonNode artifacts = json(api, gone + "/steps/start/tasks/0/artifacts").path("artifacts");
        assertThat(artifacts.findValuesAsText("name")).containsExactly("greeting");
        assertThat(artifacts.get(0).path("preview").asText()).contains("hello from a deleted run");
    }

    /** Runs a Run of flow {@code kept} to success, and waits for the datastore's final record of it. */
    private void finish(String name) {
        client.resource(run(NS, name, "kept")).create();
        succeed(client, awaitLivePod(client, NS, name, "start"));
        succeed(client, awaitLivePod(client, NS, name, "end"));
        eventually().until(() -> phase(client, NS, name), "Succeeded"::equals);
        try (Datastore datastore = new Datastore(DATASTORE)) {
            eventually().until(() -> datastore.runs().readRun("kept", name)
                    .filter(record -> record.phase() != null && record.phase().isFinal()).isPresent());
        }
    }

    private static void pauseForTheNextSecond() throws InterruptedException {
        Thread.sleep(1_100);
    }

    private JsonNode json(ViewApi api, String path) throws IOException {
        return json(api, path, Map.of());
    }

    private JsonNode json(ViewApi api, String path, Map<String, String> query) throws IOException {
        ViewApi.Answer answer = api.get(path, query, anyone);
        assertThat(answer.status()).as(path).isEqualTo(200);
        return Json.METADATA.readTree(answer.body());
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
