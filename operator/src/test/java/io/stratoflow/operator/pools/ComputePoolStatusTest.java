package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolStatus;
import io.stratoflow.model.PoolResources;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.inPool;
import static io.stratoflow.operator.Fixtures.livePods;
import static io.stratoflow.operator.Fixtures.map;
import static io.stratoflow.operator.Fixtures.pool;
import static io.stratoflow.operator.Fixtures.resources;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/** A ComputePool's status: its Ready nodes and their capacity against what its tasks request and wait for. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ComputePoolStatusTest {

    @Inject
    KubernetesClient client;

    @AfterEach
    void cleanUp() {
        client.resources(ComputePool.class).delete();
        client.nodes().delete();
    }

    static Node node(String name, Map<String, String> labels, boolean ready, String cpu, String memory, String gpus) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus()
                    .addToAllocatable("cpu", new Quantity(cpu))
                    .addToAllocatable("memory", new Quantity(memory))
                    .addToAllocatable("pods", new Quantity("110"))
                    .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").withReason("KubeletReady").endCondition()
                .endStatus();
        if (gpus != null) {
            node.editStatus().addToAllocatable("nvidia.com/gpu", new Quantity(gpus)).endStatus();
        }
        return node.build();
    }

    ComputePoolStatus awaitStatus(String pool, Predicate<ComputePoolStatus> until) {
        return eventually().until(() -> client.resources(ComputePool.class).withName(pool).get().getStatus(), s -> s != null && until.test(s));
    }

    @Test
    void statusShowsReadyMatchingNodesTheirCapacityAndTheDemand() {
        Map<String, String> gpuLabels = map("stratoflow.io/node-group", "gpu", "kubernetes.io/os", "linux");
        client.resource(node("gpu-1", gpuLabels, true, "8", "32Gi", "2")).create();
        client.resource(node("gpu-2", gpuLabels, true, "8", "32Gi", "2")).create();
        client.resource(node("gpu-3-not-ready", gpuLabels, false, "8", "32Gi", "2")).create();
        client.resource(node("cpu-1", map("stratoflow.io/node-group", "cpu"), true, "64", "256Gi", null)).create();
        // Let the operator's Node cache catch up before the pool is reconciled.
        eventually().until(() -> client.nodes().list().getItems().size() == 4);

        ComputePool gpuPool = pool("gpu-nodes", new PoolResources("8", "32Gi", 2));
        gpuPool.getSpec().nodeSelector = map("stratoflow.io/node-group", "gpu");
        gpuPool.getSpec().quota = new PoolResources("2", null, null);
        client.resource(gpuPool).create();

        // Nodes do not trigger the pool by themselves (it recounts every 5 s), so allow for a refresh.
        ComputePoolStatus idle = eventually().atMost(Duration.ofSeconds(45))
                .until(() -> client.resources(ComputePool.class).withName("gpu-nodes").get().getStatus(),
                        s -> s != null && Integer.valueOf(2).equals(s.nodes));
        assertThat(idle.allocatable.cpu).isEqualTo("16");
        assertThat(idle.allocatable.memory).isEqualTo("64Gi");
        assertThat(idle.allocatable.gpu).isEqualTo(4);
        assertThat(idle.cpu).isEqualTo("0/16");
        assertThat(idle.memory).isEqualTo("0Gi/64Gi");
        assertThat(idle.runningTasks).isZero();
        assertThat(idle.queuedTasks).isZero();
        assertThat(condition(idle.conditions, "Ready").orElseThrow().getStatus()).isEqualTo("True");
        assertThat(idle.observedGeneration).isNotNull();

        // Four 1-CPU tasks for a quota of 2: two get Pods, two queue.
        String ns = "pool-status";
        client.resource(flow(ns, "fan", foreachSteps(s -> s.name.equals("train") ? inPool(resources(s, "1", "4Gi", null, null), "gpu-nodes") : s)))
                .create();
        client.resource(run(ns, "demand", "fan")).create();
        succeed(client, awaitLivePod(client, ns, "demand", "start"), "{\"splits\": 4}");
        List<Pod> placed = eventually().until(() -> livePods(client, ns, "demand", "train"), l -> l.size() == 2);
        eventually().until(() -> getRun(client, ns, "demand").getStatus().message, m -> m != null && m.contains("2 task(s) wait for quota"));

        // The scheduler binds the two Pods to nodes.
        for (Pod pod : placed) {
            client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).edit(p -> {
                p.getSpec().setNodeName("gpu-1");
                return p;
            });
        }
        ComputePoolStatus busy = awaitStatus("gpu-nodes", s -> Integer.valueOf(2).equals(s.runningTasks) && Integer.valueOf(2).equals(s.queuedTasks));
        assertThat(busy.cpu).isEqualTo("2/16");
        assertThat(busy.memory).isEqualTo("8Gi/64Gi");
        assertThat(busy.requestedRunning.cpu).isEqualTo("2");
        assertThat(busy.requestedWaiting.cpu).isEqualTo("0");
        assertThat(busy.nodes).isEqualTo(2);
    }

    @Test
    void readyTurnsTrueWhenANodeAppearsWithAFreshTransitionTime() {
        ComputePool empty = pool("empty-at-first", new PoolResources("4", "16Gi", null));
        empty.getSpec().nodeSelector = map("stratoflow.io/node-group", "late");
        client.resource(empty).create();
        ComputePoolStatus none = awaitStatus("empty-at-first", s -> Integer.valueOf(0).equals(s.nodes));
        Condition notReady = condition(none.conditions, "Ready").orElseThrow();
        assertThat(notReady.getStatus()).isEqualTo("False");
        assertThat(notReady.getReason()).isEqualTo("NoNodes");
        assertThat(notReady.getMessage()).contains("stratoflow.io/node-group=late");

        Instant beforeNode = Instant.now();
        client.resource(node("late-1", map("stratoflow.io/node-group", "late"), true, "4", "16Gi", null)).create();
        eventually().until(() -> client.nodes().withName("late-1").get() != null);
        // A task of the pool, as a user would start one; the pool's next recount (every 5 s) sees the node.
        String ns = "pool-ready";
        client.resource(flow(ns, "one", List.of(inPool(step("start", "end"), "empty-at-first"), step("end")))).create();
        client.resource(run(ns, "one-1", "one")).create();

        ComputePoolStatus ready = awaitStatus("empty-at-first", s -> Integer.valueOf(1).equals(s.nodes));
        Condition readyNow = condition(ready.conditions, "Ready").orElseThrow();
        assertThat(readyNow.getStatus()).isEqualTo("True");
        // The condition changed when the node came, not when the pool was first seen without nodes.
        assertThat(Instant.parse(readyNow.getLastTransitionTime()))
                .isAfter(Instant.parse(notReady.getLastTransitionTime()))
                .isAfterOrEqualTo(beforeNode);
    }

    @Test
    void aPoolBackedByANodePoolIsReadyWithoutNodesWhereNoKarpenterAPIIsServed() {
        ComputePool autoscaled = pool("on-demand", new PoolResources("8", "32Gi", null));
        autoscaled.getSpec().nodeSelector = map("stratoflow.io/node-group", "on-demand");
        autoscaled.getSpec().nodePool = new io.stratoflow.model.NodePoolReference("spot-nodes", new PoolResources("15900m", "62Gi", null));
        client.resource(autoscaled).create();

        ComputePoolStatus status = awaitStatus("on-demand", s -> s.nodePool != null);
        assertThat(status.nodes).isZero();
        assertThat(status.nodePool.name).isEqualTo("spot-nodes");
        assertThat(status.nodePool.largestInstance.cpu).isEqualTo("15900m");
        assertThat(status.nodePool.limits).as("known only from a Karpenter NodePool").isNull();
        Condition found = condition(status.conditions, "NodePoolFound").orElseThrow();
        assertThat(found.getStatus()).isEqualTo("Unknown");
        assertThat(found.getReason()).isEqualTo("NoKarpenterAPI");
        assertThat(found.getMessage()).contains("karpenter.sh/v1 NodePool").contains("whichever autoscaler");
        Condition ready = condition(status.conditions, "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("NodesOnDemand");
    }
}
