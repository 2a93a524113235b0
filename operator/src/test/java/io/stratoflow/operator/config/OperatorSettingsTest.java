package io.stratoflow.operator.config;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots the operator application in test mode against the fabric8 mock server: the
 * wiring every reconciler test will rely on.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorSettingsTest {

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    OperatorSettings settings;

    @Test
    void settingsLoadWithTheirDefaults() {
        assertThat(settings.podCreatesPerSecond()).isEqualTo(50.0);
        assertThat(settings.unschedulableGracePeriod()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.defaultImage()).isEqualTo("stratoflow/task-runner:0.1.0");
        assertThat(settings.taskServiceAccount()).isEmpty();
    }

    @Test
    void injectedClientTalksToTheMockServer() {
        assertThat(client.getMasterUrl().toString())
                .isEqualTo(server.getClient().getMasterUrl().toString());

        client.configMaps().inNamespace("test").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("probe").withNamespace("test").endMetadata()
                .addToData("hello", "stratoflow")
                .build()).create();

        // Read back through the server's own client: the write reached the mock server.
        ConfigMap read = server.getClient().configMaps().inNamespace("test").withName("probe").get();
        assertThat(read).isNotNull();
        assertThat(read.getData()).containsEntry("hello", "stratoflow");
    }
}
