package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.Run;
import io.stratoflow.model.RetrySpec;
import io.stratoflow.operator.pods.TaskPodNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.fail;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.livePods;
import static io.stratoflow.operator.Fixtures.names;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A succeeded task's Pod is deleted once the Run's status records its result, so that a wide foreach leaves only
 * its running window on the API server; a failed attempt's Pod stays for a person to look at.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(SucceededPodDeletionTest.DeleteSucceededPods.class)
class SucceededPodDeletionTest {

    public static class DeleteSucceededPods implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stratoflow.operator.delete-succeeded-pods", "true");
        }
    }

    static final String NS = "deleting";

    @Inject
    KubernetesClient client;

    /** For every deleted Pod, the train steps the Run's status counted done at that moment. */
    private final Map<String, Integer> doneWhenDeleted = new ConcurrentHashMap<>();

    @Test
    void aSucceededPodGoesOnceItsResultIsRecordedAndAFailedOneStays() {
        client.resource(flow(NS, "tidy", foreachSteps(s -> {
            if (s.name.equals("train")) {
                s.retry = new RetrySpec(1, 0);
            }
            return s;
        }))).create();
        try (Watch ignored = client.pods().inNamespace(NS).withLabel(TaskPodNames.RUN_LABEL, "tidy-1").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.DELETED) {
                    var status = getRun(client, NS, "tidy-1").getStatus();
                    var step = status.steps.get(pod.getMetadata().getLabels().get(TaskPodNames.STEP_LABEL));
                    doneWhenDeleted.put(pod.getMetadata().getName(), step == null ? -1 : step.done);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            client.resource(run(NS, "tidy-1", "tidy")).create();
            Pod start = awaitLivePod(client, NS, "tidy-1", "start");
            succeed(client, start, "{\"splits\": 3}");
            List<Pod> train = eventually().until(() -> livePods(client, NS, "tidy-1", "train"), l -> l.size() == 3);
            eventually().until(() -> doneWhenDeleted.containsKey(start.getMetadata().getName()));

            fail(client, train.get(0), 1, "Error", "boom");
            succeed(client, train.get(1));
            succeed(client, train.get(2));
            Pod retried = eventually().until(() -> livePods(client, NS, "tidy-1", "train"), l -> l.size() == 1).get(0);
            succeed(client, retried);
            succeed(client, awaitLivePod(client, NS, "tidy-1", "join"));
            succeed(client, awaitLivePod(client, NS, "tidy-1", "end"));

            Run done = eventually().until(() -> getRun(client, NS, "tidy-1"), r -> "Succeeded".equals(r.getStatus().phase));
            assertThat(done.getStatus().steps.get("train").done).isEqualTo(3);
            List<String> kept = eventually().until(() -> names(pods(client, NS, "tidy-1")), l -> l.size() == 1);
            assertThat(kept).as("only the failed attempt's Pod stays").containsExactly(train.get(0).getMetadata().getName());
            // each train Pod went only after the status counted its split done
            assertThat(doneWhenDeleted.get(train.get(1).getMetadata().getName())).isGreaterThanOrEqualTo(1);
            assertThat(doneWhenDeleted.get(train.get(2).getMetadata().getName())).isGreaterThanOrEqualTo(1);
            assertThat(doneWhenDeleted.get(retried.getMetadata().getName())).as("the last split goes after the status counts all three").isEqualTo(3);
            assertThat(doneWhenDeleted).hasSize(6);
        }
    }
}
