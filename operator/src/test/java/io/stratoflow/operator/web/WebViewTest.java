package io.stratoflow.operator.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.model.PoolResources;
import io.stratoflow.view.Access;
import io.stratoflow.view.ViewApi;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.pool;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/** The operator's web view over its own caches: Runs with their progress, a Run's steps and tasks, pools, and no answer without a token. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class WebViewTest {

    static final String NS = "web";

    @Inject
    KubernetesClient client;

    @Inject
    ClusterRunSource runs;

    @Inject
    WebServer web;

    @Inject
    PoolHistory history;

    private final Access.Viewer anyone = Access.anyone("test").viewer(null).orElseThrow();

    @Test
    void withoutABearerTokenTheApiAnswers401AndSaysHowToGetOne() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Stratoflow</title>");
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/api/runs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"stratoflow\"");
        assertThat(api.body()).contains("kubectl create token");
    }

    @Test
    void aRunIsShownFromTheOperatorsCachesWithItsStepsAndTasks() throws Exception {
        client.resource(flow(NS, "fan", foreachSteps(s -> s))).create();
        client.resource(run(NS, "shown", "fan")).create();
        succeed(client, awaitLivePod(client, NS, "shown", "start"), "{\"splits\": 3}");
        ViewApi api = new ViewApi(runs);
        JsonNode detail = eventually().until(() -> json(api, "/api/runs/" + NS + "/fan/shown"),
                run -> run.at("/steps/1/total").asInt() == 3 && run.at("/steps/1/running").asInt() == 3);
        assertThat(detail.at("/summary/phase").asText()).isEqualTo("Running");
        assertThat(detail.at("/steps/0/shape/name").asText()).isEqualTo("start");
        assertThat(detail.at("/steps/0/shape/kind").asText()).isEqualTo("foreach");
        assertThat(detail.at("/steps/0/done").asInt()).isEqualTo(1);
        assertThat(detail.at("/steps/1/shape/next/0").asText()).isEqualTo("join");

        JsonNode tasks = json(api, "/api/runs/" + NS + "/fan/shown/steps/" + detail.at("/steps/1/shape/name").asText() + "/tasks");
        assertThat(tasks.path("total").asInt()).isEqualTo(3);
        assertThat(tasks.path("tasks").findValuesAsText("status")).containsExactly("running", "running", "running");

        // a finished task's times come from its record in the Run's datastore
        try (Datastore datastore = new Datastore(java.nio.file.Path.of("target/test-datastore"))) {
            datastore.runs().writeTask("fan", "shown", new TaskRecord("start", "0", 0, TaskRecord.SUCCEEDED, Map.of(), 3, null,
                    1_000_000L, 1_004_000L, null));
        }
        JsonNode start = json(api, "/api/runs/" + NS + "/fan/shown/steps/start/tasks").path("tasks").get(0);
        assertThat(start.path("status").asText()).isEqualTo("succeeded");
        assertThat(start.path("startedAt").asLong()).isEqualTo(1_000_000L);
        assertThat(start.path("finishedAt").asLong()).isEqualTo(1_004_000L);

        JsonNode list = json(api, "/api/runs");
        assertThat(list.path("runs").findValuesAsText("run")).contains("shown");
        assertThat(list.path("namespaces").toString()).contains(NS);
    }

    @Test
    void poolsCarryTheirShapeAndABoundedHistoryOfDemand() throws Exception {
        client.resource(pool("web-pool", new PoolResources("4", "16Gi", null))).create();
        ViewApi api = new ViewApi(runs);
        eventually().until(() -> json(api, "/api/pools").path("pools").findValuesAsText("name").contains("web-pool"));
        for (int i = 0; i < PoolHistory.SAMPLES + 10; i++) {
            history.sampleNow();
        }
        JsonNode pool = json(api, "/api/pools").path("pools").findParents("name").stream()
                .filter(p -> p.path("name").asText().equals("web-pool")).findFirst().orElseThrow();
        assertThat(pool.path("largestTask").asText()).isEqualTo("4 CPU, 16Gi");
        assertThat(pool.path("history")).as("one hour of samples, no more").hasSize(PoolHistory.SAMPLES);
    }

    private JsonNode json(ViewApi api, String path) throws java.io.IOException {
        ViewApi.Answer answer = api.get(path, Map.of(), anyone);
        assertThat(answer.status()).as(path).isEqualTo(200);
        return Json.METADATA.readTree(answer.body());
    }
}
