package io.stratoflow.operator.metrics;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.RetrySpec;
import io.stratoflow.model.StepSpec;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.fail;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.inPool;
import static io.stratoflow.operator.Fixtures.map;
import static io.stratoflow.operator.Fixtures.phase;
import static io.stratoflow.operator.Fixtures.pool;
import static io.stratoflow.operator.Fixtures.resources;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What /q/metrics tells about a Run whose first task fails once and is retried in a pool: the task counters, the Runs by
 * phase, the pool's gauges, Pod creation times, and the operator SDK's reconciliation meters, none of them per resource.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MetricsEndpointTest {

    private static final String NS = "metrics";
    private static final String POOL = "metrics-pool";
    private static final double GIBIBYTE = 1L << 30;

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URI endpoint;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void cleanUp() {
        client.resources(ComputePool.class).withName(POOL).delete();
        client.nodes().withName("metrics-1").delete();
    }

    @Test
    void aRunWithARetriedTaskInAPoolShowsInTheMetrics() {
        client.resource(node("metrics-1", "8", "32Gi")).create();
        eventually().until(() -> client.nodes().withName("metrics-1").get() != null);
        ComputePool pool = pool(POOL, new PoolResources("8", "32Gi", null));
        pool.getSpec().nodeSelector = map("stratoflow.io/node-group", "metrics");
        client.resource(pool).create();
        StepSpec start = inPool(resources(step("start", "end"), "2", "1Gi", null, null), POOL);
        start.retry = new RetrySpec(1, 0);
        client.resource(flow(NS, "flaky", List.of(start, step("end")))).create();
        client.resource(run(NS, "flaky-1", "flaky")).create();

        // The first attempt's Pod is not on a node yet: it is the pool's demand, and queued.
        Pod first = awaitLivePod(client, NS, "flaky-1", "start");
        // the pools' and the Runs' gauges are refreshed by jobs of their own: wait for both to have seen the Run
        PrometheusSamples waiting = eventually().atMost(Duration.ofSeconds(45)).until(this::scrape,
                m -> m.value("stratoflow_pool_demand", "pool", POOL, "resource", "cpu") == 2 && m.value("stratoflow_pool_nodes", "pool", POOL) == 1
                        && m.value("stratoflow_runs", "namespace", NS, "phase", "Running") == 1);
        assertThat(waiting.value("stratoflow_pool_demand", "pool", POOL, "resource", "memory")).isEqualTo(GIBIBYTE);
        assertThat(waiting.value("stratoflow_pool_capacity", "pool", POOL, "resource", "cpu")).isEqualTo(8);
        assertThat(waiting.value("stratoflow_pool_capacity", "pool", POOL, "resource", "memory")).isEqualTo(32 * GIBIBYTE);
        assertThat(waiting.value("stratoflow_pool_queued_tasks", "pool", POOL)).isEqualTo(1);
        assertThat(waiting.value("stratoflow_pool_running_tasks", "pool", POOL)).isZero();
        assertThat(waiting.value("stratoflow_runs", "namespace", NS, "phase", "Running")).isEqualTo(1);

        fail(client, first, 1, "Error", "java.lang.IllegalStateException: first try");
        succeed(client, awaitLivePod(client, NS, "flaky-1", "start"));
        succeed(client, awaitLivePod(client, NS, "flaky-1", "end"));
        eventually().until(() -> phase(client, NS, "flaky-1"), "Succeeded"::equals);

        PrometheusSamples done = eventually().until(this::scrape,
                m -> m.value("stratoflow_runs", "namespace", NS, "phase", "Succeeded") == 1
                        && m.value("stratoflow_tasks_succeeded_total", "namespace", NS, "flow", "flaky") == 2);
        assertThat(done.value("stratoflow_tasks_started_total", "namespace", NS, "flow", "flaky")).isEqualTo(3);
        assertThat(done.value("stratoflow_tasks_retried_total", "namespace", NS, "flow", "flaky")).isEqualTo(1);
        assertThat(done.value("stratoflow_tasks_failed_total", "namespace", NS, "flow", "flaky")).isEqualTo(1);
        for (String phase : List.of("Pending", "Running", "Failed", "Stopped")) {
            assertThat(done.value("stratoflow_runs", "namespace", NS, "phase", phase)).as(phase).isZero();
        }

        assertThat(done.value("stratoflow_pod_creation_seconds_count", "namespace", NS, "outcome", "created")).isEqualTo(3);
        assertThat(done.value("stratoflow_pod_creation_seconds_bucket", "namespace", NS, "outcome", "created", "le", "+Inf")).isEqualTo(3);
        assertThat(done.value("stratoflow_pod_creation_seconds_bucket", "namespace", NS, "outcome", "created", "le", "30.0")).isEqualTo(3);
        assertThat(done.find("stratoflow_pod_creation_errors_total", "namespace", NS)).isEmpty();

        assertThat(done.value("operator_sdk_controllers_execution_reconcile_seconds_count", "controller", "run")).isPositive();
        assertThat(done.value("operator_sdk_controllers_execution_reconcile_seconds_count", "controller", "computepool")).isPositive();
        assertThat(done.value("operator_sdk_reconciliations_queue_size_run", "kind", "Run")).isNotNaN();
        assertThat(done.value("operator_sdk_reconciliations_executions_run", "kind", "Run")).isNotNaN();
        assertThat(done.all()).as("no series names a single Run").noneSatisfy(s -> assertThat(s.labels()).containsValue("flaky-1"));
        assertThat(done.all().stream().filter(s -> s.name().startsWith("stratoflow_") || s.name().startsWith("operator_sdk_")))
                .as("no series of the operator's own is per resource")
                .allSatisfy(s -> assertThat(s.labels()).doesNotContainKeys("name", "resource_name", "resource_namespace", "run", "task"));
    }

    private PrometheusSamples scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusSamples.parse(response.body());
    }

    private static Node node(String name, String cpu, String memory) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(map("stratoflow.io/node-group", "metrics")).endMetadata()
                .withNewStatus()
                    .addToAllocatable("cpu", new Quantity(cpu))
                    .addToAllocatable("memory", new Quantity(memory))
                    .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                .endStatus().build();
    }
}
