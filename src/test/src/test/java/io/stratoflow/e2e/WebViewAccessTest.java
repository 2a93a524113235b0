package io.stratoflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.datastore.Json;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.StratoflowCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's web view against the real API server: a person's bearer token is checked with
 * TokenReview, and they see the Runs of exactly the namespaces where RBAC lets them get Runs.
 */
@ExtendWith(StratoflowCluster.class)
class WebViewAccessTest {

    private static final String VISIBLE = "view-a";
    private static final String HIDDEN = "view-b";
    private final KubernetesClient client = StratoflowCluster.client();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void namespaces() {
        StratoflowCluster.createNamespace(VISIBLE);
        StratoflowCluster.createNamespace(HIDDEN);
    }

    @Test
    void aPersonSeesTheRunsOfExactlyTheNamespacesWhereTheyMayGetRuns() throws Exception {
        for (String namespace : new String[] {VISIBLE, HIDDEN}) {
            client.resource(Flows.fanOut("shown", 3, "100m", "64M", null)).inNamespace(namespace).create();
            client.resource(Flows.run("run-" + namespace, "shown", 4, 3)).inNamespace(namespace).create();
        }
        client.resource(new ServiceAccountBuilder().withNewMetadata().withName("viewer").endMetadata().build()).inNamespace(VISIBLE).create();
        client.resource(new RoleBuilder().withNewMetadata().withName("run-reader").endMetadata()
                .addNewRule().withApiGroups("stratoflow.io").withResources("runs").withVerbs("get", "list", "watch").endRule().build())
                .inNamespace(VISIBLE).create();
        client.resource(new RoleBindingBuilder().withNewMetadata().withName("viewer-reads-runs").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "run-reader")
                .addNewSubject().withKind("ServiceAccount").withName("viewer").withNamespace(VISIBLE).endSubject().build())
                .inNamespace(VISIBLE).create();
        String token = client.serviceAccounts().inNamespace(VISIBLE).withName("viewer")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();

        JsonNode runs = Awaitility.await("the Runs in the operator's cache").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> json(get("/api/runs", token)), answer -> answer.path("runs").size() >= 1);
        assertThat(runs.path("runs").findValuesAsText("run")).containsExactly("run-" + VISIBLE);
        assertThat(runs.path("namespaces").toString()).isEqualTo("[\"" + VISIBLE + "\"]");
        assertThat(get("/api/runs/" + VISIBLE + "/shown/run-" + VISIBLE, token).statusCode()).isEqualTo(200);

        HttpResponse<String> hidden = get("/api/runs/" + HIDDEN + "/shown/run-" + HIDDEN, token);
        assertThat(hidden.statusCode()).isEqualTo(403);
        assertThat(hidden.body()).contains("system:serviceaccount:" + VISIBLE + ":viewer may not read Runs in namespace " + HIDDEN);
        // the chart lets every authenticated user read ComputePools (its computepool-reader binding), as kubectl would
        assertThat(get("/api/pools", token).statusCode()).isEqualTo(200);

        assertThat(get("/api/runs", null).statusCode()).isEqualTo(401);
        HttpResponse<String> forged = get("/api/runs", token.substring(0, token.length() - 4) + "AAAA");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("kubectl create token");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + StratoflowCluster.operator().webPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.METADATA.readTree(response.body());
    }
}
