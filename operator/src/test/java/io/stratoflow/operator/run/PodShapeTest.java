package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.inPool;
import static io.stratoflow.operator.Fixtures.map;
import static io.stratoflow.operator.Fixtures.pool;
import static io.stratoflow.operator.Fixtures.resources;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;

/** The Pod a step's task gets: resources, placement, identity, ownership and safety, as the operator creates it. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PodShapeTest {

    static final String NS = "pod-shape";

    @Inject
    KubernetesClient client;

    @AfterEach
    void removePools() {
        client.resources(ComputePool.class).withName("gpu-pool").delete();
    }

    @Test
    void podCarriesTheStepsResourcesPlacementIdentityAndOwner() {
        ComputePool gpuPool = pool("gpu-pool", new PoolResources("64", "512Gi", 8));
        gpuPool.getSpec().maxTaskResources.ephemeralStorage = "1Ti";
        gpuPool.getSpec().nodeSelector = map("stratoflow.io/node-group", "gpu");
        gpuPool.getSpec().tolerations = List.of(toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"));
        client.resource(gpuPool).create();
        // The Run's reconciler reads pools from its own cache: wait until the operator has seen this one.
        eventually().until(() -> client.resources(ComputePool.class).withName("gpu-pool").get().getStatus() != null);

        StepSpec start = inPool(resources(step("start", "end"), "2", "16000M", 1, "10Gi"), "gpu-pool");
        start.placement.nodeSelector = map("outerbounds.co/provider", "azure");
        start.placement.tolerations = List.of(toleration("outerbounds.co/provider", "Equal", "azure", "NoSchedule"));
        start.timeoutSeconds = 3600L;
        client.resource(flow(NS, "shapes", List.of(start, step("end")))).create();
        Run run = client.resource(run(NS, "shape-1", "shapes")).create();

        Pod pod = awaitLivePod(client, NS, "shape-1", "start");

        assertThat(pod.getMetadata().getName()).isEqualTo("shape-1-start-0-0");
        Container container = pod.getSpec().getContainers().get(0);
        Map<String, Quantity> expected = Map.of(
                "cpu", new Quantity("2"),
                "memory", new Quantity("16000M"),
                "nvidia.com/gpu", new Quantity("1"),
                "ephemeral-storage", new Quantity("10Gi"));
        assertThat(container.getResources().getRequests()).isEqualTo(expected);
        assertThat(container.getResources().getLimits()).isEqualTo(expected);

        assertThat(pod.getSpec().getNodeSelector()).isEqualTo(Map.of(
                "stratoflow.io/node-group", "gpu",
                "outerbounds.co/provider", "azure"));
        assertThat(pod.getSpec().getTolerations()).containsExactlyInAnyOrder(
                toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"),
                toleration("outerbounds.co/provider", "Equal", "azure", "NoSchedule"));
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);

        assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(Map.of(
                "stratoflow.io/flow", "shapes",
                "stratoflow.io/run", "shape-1",
                "stratoflow.io/step", "start",
                "stratoflow.io/task", "0",
                "stratoflow.io/pool", "gpu-pool"));

        assertThat(pod.getMetadata().getOwnerReferences()).hasSize(1);
        OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("Run");
        assertThat(owner.getApiVersion()).isEqualTo("stratoflow.io/v1alpha1");
        assertThat(owner.getName()).isEqualTo("shape-1");
        assertThat(owner.getUid()).isEqualTo(run.getMetadata().getUid()).isNotBlank();
        assertThat(owner.getController()).isTrue();

        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");

        io.stratoflow.task.TaskSpec spec = io.stratoflow.operator.Fixtures.taskSpec(pod);
        assertThat(spec.step()).isEqualTo("start");
        assertThat(spec.taskId()).isEqualTo("0");
        assertThat(spec.attempt()).isZero();
        assertThat(spec.runId()).isEqualTo("shape-1");
        assertThat(spec.flowClass()).isEqualTo("com.example.shapes");
        assertThat(spec.datastore().root()).isEqualTo("target/test-datastore");
    }

}
