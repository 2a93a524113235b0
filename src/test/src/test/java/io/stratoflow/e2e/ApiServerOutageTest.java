package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.OperatorProcess;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import io.stratoflow.task.TaskSpecCodec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server and etcd killed in the middle of a fan-out and started again: the operator
 * says so (a log line while it is gone, an Event on the Run once it is back), does not exit,
 * and finishes the Run without losing or duplicating a Pod.
 *
 * <p>The operator here runs as a single replica without leader election: with election, a
 * leader that cannot renew its Lease for the renew deadline (10 s) exits on purpose, so that
 * two replicas never reconcile at once, and its Deployment restarts it, which then resumes like
 * any restarted operator ({@link OperatorChaosTest}).
 */
@ExtendWith(StratoflowCluster.class)
class ApiServerOutageTest {

    private static final String NAMESPACE = "outage";
    private static final String RUN = "outage-1";
    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void theApiServerAndEtcdRestartedMidFanOutLoseNothingAndTheOperatorReportsTheOutage() throws Exception {
        StratoflowCluster.operator().kill();
        OperatorProcess operator = StratoflowCluster.replica("single-operator", Map.of("STRATOFLOW_LEADER_ELECTION_ENABLED", "false"));
        ControlPlane controlPlane = StratoflowCluster.controlPlane();
        try {
            operator.start();
            Flow flow = Flows.fanOut("outage", 200, "10m", "16M", null);
            Fixtures.runsFor(Fixtures.step(flow, "work"), 2000);
            client.resource(flow).inNamespace(NAMESPACE).create();
            client.resource(Flows.run(RUN, "outage", 40, 200)).inNamespace(NAMESPACE).create();
            Awaitility.await("a quarter of the fan-out done").atMost(Duration.ofMinutes(3)).until(() ->
                    Runs.pods(client, NAMESPACE, RUN, "work").stream().filter(p -> "Succeeded".equals(p.getStatus().getPhase())).count() >= 50);

            long down = System.nanoTime();
            controlPlane.kill("kube-apiserver");
            controlPlane.kill("etcd");
            Awaitility.await("the operator noticing").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(operator.log()).contains("does not answer"));
            controlPlane.up();
            long back = System.nanoTime();
            double outage = (back - down) / 1e9;
            int podsWhenBack = Runs.pods(client, NAMESPACE, RUN).size();
            Awaitility.await("the operator creating Pods again").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Runs.pods(client, NAMESPACE, RUN).size() > podsWhenBack);
            System.out.printf("The operator created Pods again %.1f s after the API server answered%n", (System.nanoTime() - back) / 1e9);

            Run done = Runs.awaitPhase(client, NAMESPACE, RUN, "Succeeded", Duration.ofMinutes(5));
            System.out.printf("API server and etcd down for %.1f s mid fan-out; the Run succeeded %.1f s after they went down%n",
                    outage, (System.nanoTime() - down) / 1e9);
            assertThat(operator.alive()).as("the operator rode the outage out").isTrue();
            assertThat(Files.readString(operator.log())).contains("The API server answers again");
            List<Pod> work = Runs.pods(client, NAMESPACE, RUN, "work");
            assertThat(work).as("one Pod per split, none lost, none created twice").hasSize(200);
            assertThat(work).extracting(p -> p.getMetadata().getName()).allMatch(name -> name.endsWith("-0"));
            List<Pod> joins = Runs.pods(client, NAMESPACE, RUN, "join");
            assertThat(joins).hasSize(1);
            assertThat(joins.get(0).getSpec().getContainers().get(0).getEnv()).anyMatch(e -> e.getName().equals(TaskSpecCodec.ENVIRONMENT_VARIABLE)
                    && TaskSpecCodec.decode(e.getValue()).branches().count() == 200);
            assertThat(done.getStatus().progress).isEqualTo("203/203");
            Event event = client.v1().events().inNamespace(NAMESPACE).withName(RUN + ".apiserverunreachable").get();
            assertThat(event).as("the outage told on the Run").isNotNull();
            assertThat(event.getMessage()).contains("could not reach the API server").contains("picked this Run up again");
        } finally {
            operator.kill();
            StratoflowCluster.operator().start();
        }
    }
}
