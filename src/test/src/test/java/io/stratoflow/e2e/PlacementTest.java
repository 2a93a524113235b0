package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import io.stratoflow.task.TaskSpecCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples' flows, placed by the real scheduler on KWOK nodes. */
@ExtendWith(StratoflowCluster.class)
class PlacementTest {

    private static final String NAMESPACE = "placement";
    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void pools() {
        StratoflowCluster.createNamespace(NAMESPACE);
        for (HasMetadata pool : Fixtures.load(Fixtures.example("compute-pools.yaml"))) {
            if (!pool.getMetadata().getName().equals("default")) {
                StratoflowCluster.client().resource(pool).serverSideApply();
            }
        }
    }

    @Test
    void scalableFlowTrainsOnNodesThatHoldTwoCpusAndSixteenGigabytesAndJoinsAfterAllFour() {
        List<HasMetadata> example = Fixtures.load(Fixtures.example("scalable-flow.yaml"));
        Flow flow = Fixtures.first(example, Flow.class);
        Fixtures.reportsSplits(Fixtures.step(flow, "start"), 4);
        Fixtures.runsFor(Fixtures.step(flow, "train"), 1500);
        client.resource(flow).inNamespace(NAMESPACE).create();
        Run run = Fixtures.first(example, Run.class);
        client.resource(run).inNamespace(NAMESPACE).create();
        String name = run.getMetadata().getName();

        Run done = Runs.awaitPhase(client, NAMESPACE, name, "Succeeded", Duration.ofMinutes(2));
        assertThat(done.getStatus().progress).isEqualTo("7/7");
        assertThat(done.getMetadata().getManagedFields()).as("the operator replaces the status through the status subresource, "
                        + "as it does against the operator tests' mock server")
                .anyMatch(f -> "Update".equals(f.getOperation()) && "status".equals(f.getSubresource()))
                .noneMatch(f -> "Apply".equals(f.getOperation()));

        List<Pod> train = Runs.pods(client, NAMESPACE, name, "train");
        assertThat(train).hasSize(4);
        for (Pod pod : train) {
            assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests())
                    .containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("16000M"));
            Node node = client.nodes().withName(pod.getSpec().getNodeName()).get();
            assertThat(amount(node.getStatus().getAllocatable().get("cpu"))).isGreaterThanOrEqualTo(2);
            assertThat(amount(node.getStatus().getAllocatable().get("memory"))).isGreaterThanOrEqualTo(16e9);
        }
        Instant lastTrainFinished = train.stream().map(p -> Instant.parse(p.getStatus().getContainerStatuses().get(0).getState()
                .getTerminated().getFinishedAt())).max(Instant::compareTo).orElseThrow();
        Pod join = Runs.pods(client, NAMESPACE, name, "join").get(0);
        assertThat(Instant.parse(join.getMetadata().getCreationTimestamp())).as("the join starts after every train task finished")
                .isAfterOrEqualTo(lastTrainFinished);
        assertThat(join.getSpec().getContainers().get(0).getEnv()).anyMatch(e -> e.getName().equals(TaskSpecCodec.ENVIRONMENT_VARIABLE)
                && TaskSpecCodec.decode(e.getValue()).branches().count() == 4);
    }

    @Test
    void crossCloudProcessTasksLandOnlyOnAzureNodes() {
        List<HasMetadata> example = Fixtures.load(Fixtures.example("cross-cloud-flow.yaml"));
        Flow flow = Fixtures.first(example, Flow.class);
        Fixtures.reportsSplits(Fixtures.step(flow, "start"), 10);
        client.resource(flow).inNamespace(NAMESPACE).create();
        Run run = Fixtures.first(example, Run.class);
        client.resource(run).inNamespace(NAMESPACE).create();
        Runs.awaitPhase(client, NAMESPACE, run.getMetadata().getName(), "Succeeded", Duration.ofMinutes(2));

        List<Pod> process = Runs.pods(client, NAMESPACE, run.getMetadata().getName(), "process");
        assertThat(process).hasSize(10);
        for (Pod pod : process) {
            Node node = client.nodes().withName(pod.getSpec().getNodeName()).get();
            assertThat(node.getMetadata().getLabels()).as(pod.getMetadata().getName() + " on " + node.getMetadata().getName())
                    .containsEntry("outerbounds.co/provider", "azure");
        }
    }

    private static double amount(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).doubleValue();
    }

    static ComputePool pool(String name) {
        return StratoflowCluster.client().resources(ComputePool.class).withName(name).get();
    }
}
