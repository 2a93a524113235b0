package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import io.stratoflow.task.TaskSpecCodec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator killed mid-run, and a Run deleted mid-run. */
@ExtendWith(StratoflowCluster.class)
class ResilienceTest {

    private static final String NAMESPACE = "resilience";
    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void anOperatorKilledInTheMiddleOfA200WayFanOutLosesNothingAndDuplicatesNothing() {
        Flow flow = Flows.fanOut("wide", 200, "100m", "64M", null);
        Fixtures.runsFor(Fixtures.step(flow, "work"), 1000);
        client.resource(flow).inNamespace(NAMESPACE).create();
        client.resource(Flows.run("wide-1", "wide", 40, 200)).inNamespace(NAMESPACE).create();

        Awaitility.await("a third of the fan-out done").atMost(Duration.ofMinutes(3)).until(() ->
                Runs.pods(client, NAMESPACE, "wide-1", "work").stream().filter(p -> "Succeeded".equals(p.getStatus().getPhase())).count() >= 60);
        StratoflowCluster.operator().kill();
        // Work goes on without the operator: Pods finish while nobody watches.
        Awaitility.await("Pods finish while the operator is down").atMost(Duration.ofMinutes(1)).until(() ->
                Runs.pods(client, NAMESPACE, "wide-1", "work").stream().noneMatch(Fixtures::live));
        StratoflowCluster.operator().start();

        Run done = Runs.awaitPhase(client, NAMESPACE, "wide-1", "Succeeded", Duration.ofMinutes(5));
        List<Pod> work = Runs.pods(client, NAMESPACE, "wide-1", "work");
        Set<String> names = work.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(work).as("one Pod per split, none created twice").hasSize(200);
        assertThat(names).allMatch(n -> n.endsWith("-0"));
        Pod join = Runs.pods(client, NAMESPACE, "wide-1", "join").get(0);
        assertThat(Runs.pods(client, NAMESPACE, "wide-1", "join")).hasSize(1);
        assertThat(join.getSpec().getContainers().get(0).getEnv()).anyMatch(e -> e.getName().equals(TaskSpecCodec.ENVIRONMENT_VARIABLE)
                && TaskSpecCodec.decode(e.getValue()).branches().count() == 200);
        assertThat(done.getStatus().engine.at("/steps/work/frames").toString()).contains("\"succeeded\":\"0-199\"");
        assertThat(done.getStatus().progress).isEqualTo("203/203");
    }

    @Test
    void deletingARunRemovesItsPodsThroughTheGarbageCollector() {
        Flow flow = Flows.fanOut("doomed", 5, "100m", "64M", null);
        Fixtures.runsFor(Fixtures.step(flow, "work"), 600_000);
        client.resource(flow).inNamespace(NAMESPACE).create();
        client.resource(Flows.run("doomed-1", "doomed", 16, 10)).inNamespace(NAMESPACE).create();
        Awaitility.await("work Pods running").atMost(Duration.ofMinutes(1)).until(() ->
                Runs.pods(client, NAMESPACE, "doomed-1", "work").stream().filter(p -> "Running".equals(p.getStatus().getPhase())).count() == 5);

        client.resources(Run.class).inNamespace(NAMESPACE).withName("doomed-1").delete();
        Awaitility.await("the garbage collector deleting the Run's Pods").atMost(Duration.ofMinutes(1))
                .until(() -> Runs.pods(client, NAMESPACE, "doomed-1").isEmpty());
    }
}
