package io.stratoflow.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.stratoflow.view.ViewFixtures.WIDE_DONE;
import static io.stratoflow.view.ViewFixtures.WIDE_FLOW;
import static io.stratoflow.view.ViewFixtures.WIDE_RUN;
import static io.stratoflow.view.ViewFixtures.WIDTH;
import static org.assertj.core.api.Assertions.assertThat;

class ViewApiTest {

    @TempDir
    Path root;

    private ViewApi api;
    private final Access.Viewer anyone = Access.anyone("ada").viewer(null).orElseThrow();

    @BeforeEach
    void runs() throws IOException {
        Datastore datastore = new Datastore(root);
        ViewFixtures.write(datastore);
        api = new ViewApi(new DatastoreRunSource(datastore,
                flow -> flow.equals(WIDE_FLOW) ? ViewFixtures.wideShapes() : List.of(), "ada"));
    }

    private JsonNode json(String path, Map<String, String> query, Access.Viewer viewer) throws IOException {
        ViewApi.Answer answer = api.get(path, query, viewer);
        assertThat(answer.status()).as(path).isEqualTo(200);
        return Json.METADATA.readTree(answer.body());
    }

    @Test
    void runsAreListedNewestFirstWithProgressAndTheValuesEachFilterCanTake() throws IOException {
        JsonNode all = json("/api/runs", Map.of(), anyone);
        assertThat(all.path("runs")).hasSize(2);
        JsonNode wide = all.path("runs").get(0);
        assertThat(wide.path("key").path("flow").asText()).isEqualTo(WIDE_FLOW);
        assertThat(wide.path("phase").asText()).isEqualTo("Running");
        assertThat(wide.path("finished").asInt()).isEqualTo(WIDE_DONE + 1);
        assertThat(wide.path("total").asInt()).isEqualTo(WIDTH + 1);
        assertThat(wide.path("user").asText()).isEqualTo("ada");
        assertThat(all.path("flows").toString()).isEqualTo("[\"SmallFlow\",\"WideFlow\"]");
        assertThat(all.path("phases").toString()).isEqualTo("[\"Running\",\"Succeeded\"]");

        JsonNode succeeded = json("/api/runs", Map.of("phase", "Succeeded"), anyone);
        assertThat(succeeded.path("runs")).hasSize(1);
        assertThat(succeeded.path("runs").get(0).path("key").path("run").asText()).isEqualTo(ViewFixtures.SMALL_RUN);
        assertThat(json("/api/runs", Map.of("flow", "NoSuchFlow"), anyone).path("runs")).isEmpty();
    }

    @Test
    void aRunOf100000TasksIsDescribedPerStepInAFewHundredBytes() throws IOException {
        ViewApi.Answer answer = api.get("/api/runs/local/" + WIDE_FLOW + "/" + WIDE_RUN, Map.of(), anyone);
        JsonNode run = Json.METADATA.readTree(answer.body());
        assertThat(answer.body().length).as("bytes for the whole run").isLessThan(2048);
        JsonNode work = run.path("steps").get(1);
        assertThat(work.path("shape").path("name").asText()).isEqualTo("work");
        assertThat(work.path("shape").path("cpu").asText()).isEqualTo("2");
        assertThat(work.path("done").asInt()).isEqualTo(WIDE_DONE);
        assertThat(work.path("running").asInt()).isEqualTo(99);
        assertThat(work.path("failed").asInt()).as("waiting for a retry").isEqualTo(1);
        assertThat(work.path("total").asInt()).isEqualTo(WIDTH);
        assertThat(run.path("steps").get(2).path("total").asInt()).as("the join is not known yet").isZero();
    }

    @Test
    void aStepsTasksComeAPageAtATimeWithTheirStatus() throws IOException {
        String tasks = "/api/runs/local/" + WIDE_FLOW + "/" + WIDE_RUN + "/steps/work/tasks";
        JsonNode first = json(tasks, Map.of("offset", "0", "limit", "10"), anyone);
        assertThat(first.path("total").asInt()).isEqualTo(WIDTH);
        assertThat(first.path("tasks")).hasSize(10);
        JsonNode seventh = first.path("tasks").get(7);
        assertThat(seventh.path("status").asText()).isEqualTo("succeeded");
        assertThat(seventh.path("startedAt").asLong()).as("from the task's record").isPositive();

        JsonNode around = json(tasks, Map.of("offset", Integer.toString(WIDE_DONE - 1), "limit", "102"), anyone);
        List<String> statuses = around.path("tasks").findValuesAsText("status");
        assertThat(statuses.get(0)).isEqualTo("succeeded");
        assertThat(statuses.get(1)).isEqualTo("running");
        assertThat(statuses.get(100)).isEqualTo("retrying");
        assertThat(statuses.get(101)).isEqualTo("waiting");
        assertThat(around.path("tasks").get(100).path("attempt").asInt()).isEqualTo(1);

        JsonNode last = json(tasks, Map.of("offset", Integer.toString(WIDTH - 50), "limit", "10000"), anyone);
        assertThat(last.path("tasks")).as("the rest, never more than a page").hasSize(50);
        assertThat(last.path("tasks").get(49).path("taskId").asText()).isEqualTo(Integer.toString(WIDTH - 1));
        assertThat(json(tasks, Map.of("limit", "100000"), anyone).path("tasks")).hasSize(ViewApi.MAX_PAGE);
    }

    @Test
    void aTasksLogAndArtifactsAreReadFromTheDatastoreWithBoundedPreviews() throws IOException {
        String task = "/api/runs/local/" + ViewFixtures.SMALL_FLOW + "/" + ViewFixtures.SMALL_RUN + "/steps/start/tasks/0";
        ViewApi.Answer log = api.get(task + "/log", Map.of(), anyone);
        try (var in = log.stream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("starting the small flow\n");
        }
        assertThat(api.get(task + "/log", Map.of("stream", "stderr"), anyone).status()).isEqualTo(404);

        JsonNode artifacts = json(task + "/artifacts", Map.of(), anyone).path("artifacts");
        assertThat(artifacts).hasSize(2);
        assertThat(artifacts.get(0).path("name").asText()).isEqualTo("greeting");
        assertThat(artifacts.get(0).path("preview").asText()).isEqualTo("\"hello from start\"");
        assertThat(artifacts.get(1).path("truncated").asBoolean()).isTrue();
        assertThat(artifacts.get(1).path("preview").asText()).hasSize(ViewApi.PREVIEW_BYTES).startsWith("[0,1,2,");
    }

    @Test
    void aViewerSeesOnlyTheNamespacesTheyMayRead() throws IOException {
        Access.Viewer elsewhere = new Access.Viewer() {
            @Override
            public String name() {
                return "bob";
            }

            @Override
            public boolean mayReadRuns(String namespace) {
                return namespace.equals("team-b");
            }

            @Override
            public boolean mayReadPools() {
                return false;
            }
        };
        assertThat(json("/api/runs", Map.of(), elsewhere).path("runs")).isEmpty();
        ViewApi.Answer refused = api.get("/api/runs/local/" + WIDE_FLOW + "/" + WIDE_RUN, Map.of(), elsewhere);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("bob may not read Runs in namespace local");
        assertThat(api.get("/api/pools", Map.of(), elsewhere).status()).isEqualTo(403);
        assertThat(api.get("/api/runs/local/NoFlow/1", Map.of(), anyone).status()).isEqualTo(404);
        assertThat(Optional.ofNullable(api.get("/api/nothing", Map.of(), anyone)).map(ViewApi.Answer::status)).contains(404);
    }
}
