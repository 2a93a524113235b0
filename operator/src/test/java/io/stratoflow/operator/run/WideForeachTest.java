package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.datastore.Json;
import io.stratoflow.model.Run;
import io.stratoflow.operator.Fixtures;
import io.stratoflow.operator.pods.TaskPodNames;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wide foreach end to end on the mock server: every split gets its Pod, at most maxWorkers at once, and the
 * Run's status stays under 64 KiB all along. {@code -Dstratoflow.test.splits=10000} runs it at full width.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(WideForeachTest.FastPodCreation.class)
class WideForeachTest {

    private static final Logger LOG = Logger.getLogger(WideForeachTest.class);

    /** The default creation rate (50/s) would make this test wait on the limiter, not on the operator. */
    public static class FastPodCreation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stratoflow.operator.pod-creates-per-second", "100000");
        }
    }

    static final int SPLITS = Integer.getInteger("stratoflow.test.splits", 300);
    static final int MAX_WORKERS = Math.min(500, Math.max(100, SPLITS / 20));
    static final int LIMIT = 64 * 1024;
    static final String NS = "wide";

    @Inject
    KubernetesClient client;

    int statusSize() throws Exception {
        return Json.METADATA.writeValueAsBytes(getRun(client, NS, "wide-1").getStatus()).length;
    }

    /** What a kubelet writes when the task's container exits 0: one status patch, no read. */
    void succeedByName(String pod) {
        client.pods().inNamespace(NS).withName(pod).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"task\",\"image\":\"img\",\"imageID\":\"\","
                        + "\"ready\":false,\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}");
    }

    @Test
    void aWideForeachRunsEverySplitWithinMaxWorkersAndAStatusUnder64KiB() throws Exception {
        long began = System.nanoTime();
        client.resource(flow(NS, "wide", foreachSteps(s -> s))).create();
        Run run = run(NS, "wide-1", "wide");
        run.getSpec().maxNumSplits = SPLITS;
        run.getSpec().maxWorkers = MAX_WORKERS;

        BlockingQueue<String> created = new LinkedBlockingQueue<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Set<String> live = ConcurrentHashMap.newKeySet();
        AtomicInteger mostAlive = new AtomicInteger();
        try (Watch ignored = client.pods().inNamespace(NS).withLabel(TaskPodNames.RUN_LABEL, "wide-1")
                .withLabel(TaskPodNames.STEP_LABEL, "train").watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        String name = pod.getMetadata().getName();
                        if (action == Action.DELETED || !Fixtures.live(pod)) {
                            live.remove(name);
                        } else {
                            live.add(name);
                            mostAlive.accumulateAndGet(live.size(), Math::max);
                        }
                        if (seen.add(name)) {
                            created.add(name);
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            client.resource(run).create();
            succeed(client, awaitLivePod(client, NS, "wide-1", "start"), "{\"splits\": " + SPLITS + "}");

            int largest = 0;
            for (int done = 0; done < SPLITS; ) {
                String pod = created.poll(30, TimeUnit.SECONDS);
                assertThat(pod).as("a new train Pod after %d succeeded", done).isNotNull();
                succeedByName(pod);
                done++;
                if (done % Math.max(1, SPLITS / 20) == 0) {
                    largest = Math.max(largest, statusSize());
                    LOG.infof("%d/%d splits succeeded after %d ms; status %d bytes", done, SPLITS,
                            (System.nanoTime() - began) / 1_000_000, largest);
                }
            }
            succeed(client, eventually().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.livePods(client, NS, "wide-1", "join"),
                    l -> l.size() == 1).get(0));
            succeed(client, awaitLivePod(client, NS, "wide-1", "end"));
            Run done = eventually().atMost(Duration.ofSeconds(60)).until(() -> getRun(client, NS, "wide-1"),
                    r -> "Succeeded".equals(r.getStatus().phase));

            assertThat(done.getStatus().progress).isEqualTo((SPLITS + 3) + "/" + (SPLITS + 3));
            assertThat(seen).hasSize(SPLITS);
            assertThat(mostAlive.get()).isLessThanOrEqualTo(MAX_WORKERS);
            assertThat(largest).as("largest status seen, bytes").isLessThan(LIMIT);
            assertThat(statusSize()).isLessThan(LIMIT);
            LOG.infof("%d-way foreach done in %d ms; largest status %d bytes; at most %d Pods alive", SPLITS,
                    (System.nanoTime() - began) / 1_000_000, largest, mostAlive.get());
        }
    }
}
