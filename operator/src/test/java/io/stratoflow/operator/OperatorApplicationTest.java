package io.stratoflow.operator;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoints a Deployment points its probes and a Prometheus scrape at. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorApplicationTest {

    @TestHTTPResource("/q/health/live")
    URI live;

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void livenessProbeIsUp() throws Exception {
        HttpResponse<String> response = get(live);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\": \"UP\"");
    }

    @Test
    void readinessProbeCarriesTheOperatorCheck() throws Exception {
        HttpResponse<String> response = get(ready);
        // The operator SDK's readiness check is UP only once the operator has started and its
        // informers have synced. With no reconciler registered the operator does not start,
        // so the check (and the probe) is DOWN: a Pod that watches nothing never turns Ready.
        // Once reconcilers exist, this becomes: status 200 and "UP".
        assertThat(response.body()).contains("Quarkus Operator SDK health check");
        assertThat(response.statusCode()).as(response.body()).isIn(200, 503);
    }

    @Test
    void prometheusMetricsAreExposed() throws Exception {
        HttpResponse<String> response = get(metrics);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes");
    }
}
