package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.OperatorProcess;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two operator replicas electing a leader through the chart's Lease: the leader killed mid-run, the other takes over. */
@ExtendWith(StratoflowCluster.class)
class FailoverTest {

    private static final String NAMESPACE = "failover";
    private static final String LEASE = "stratoflow-operator";
    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void withTwoReplicasTheLeaderKilledMidRunHandsOverWithin20SecondsAndNoPodIsCreatedTwice() {
        StratoflowCluster.operator().kill();
        Map<String, OperatorProcess> replicas = Map.of("operator-a", StratoflowCluster.replica("operator-a"),
                "operator-b", StratoflowCluster.replica("operator-b"));
        try {
            replicas.values().forEach(OperatorProcess::start);
            // the suite's operator held the Lease: one of the two takes it once it expires
            String leader = Awaitility.await("a replica leading").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(this::holder, replicas::containsKey);

            Flow flow = Flows.fanOut("handover", 100, "100m", "64M", null);
            Fixtures.runsFor(Fixtures.step(flow, "work"), 2000);
            client.resource(flow).inNamespace(NAMESPACE).create();
            client.resource(Flows.run("handover-1", "handover", 20, 100)).inNamespace(NAMESPACE).create();
            Awaitility.await("a fifth of the fan-out done").atMost(Duration.ofMinutes(3)).until(() ->
                    Runs.pods(client, NAMESPACE, "handover-1", "work").stream().filter(p -> "Succeeded".equals(p.getStatus().getPhase())).count() >= 20);

            long killed = System.nanoTime();
            replicas.get(leader).kill();
            String follower = replicas.keySet().stream().filter(name -> !name.equals(leader)).findFirst().orElseThrow();
            Awaitility.await("the other replica leading").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(this::holder, follower::equals);
            double handover = (System.nanoTime() - killed) / 1e9;
            System.out.printf("Leader %s killed mid-run: %s leads after %.1f s%n", leader, follower, handover);
            assertThat(handover).as("seconds from the leader's death to the other replica's lead").isLessThan(20);

            Run done = Runs.awaitPhase(client, NAMESPACE, "handover-1", "Succeeded", Duration.ofMinutes(5));
            List<Pod> work = Runs.pods(client, NAMESPACE, "handover-1", "work");
            assertThat(work).as("one Pod per split, none created twice").hasSize(100);
            assertThat(work).extracting(p -> p.getMetadata().getName()).allMatch(name -> name.endsWith("-0"));
            assertThat(Runs.pods(client, NAMESPACE, "handover-1", "join")).hasSize(1);
            assertThat(done.getStatus().progress).isEqualTo("103/103");
        } finally {
            replicas.values().forEach(OperatorProcess::kill);
            StratoflowCluster.operator().start();
        }
    }

    private String holder() {
        Lease lease = client.resources(Lease.class).inNamespace(StratoflowCluster.OPERATOR_NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }
}
