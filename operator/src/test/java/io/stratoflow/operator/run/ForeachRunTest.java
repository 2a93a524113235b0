package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.Run;
import io.stratoflow.operator.MostLivePods;
import io.stratoflow.operator.pods.TaskPodNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.livePods;
import static io.stratoflow.operator.Fixtures.names;
import static io.stratoflow.operator.Fixtures.phase;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/** A foreach fans out into one Pod per split; its join waits for all of them; maxWorkers bounds the Pods alive at once. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ForeachRunTest {

    @Inject
    KubernetesClient client;

    @Test
    void foreachFansOutJoinsAndSucceeds() {
        String ns = "foreach";
        client.resource(flow(ns, "fan", foreachSteps(s -> s))).create();
        client.resource(run(ns, "fan-1", "fan")).create();

        Pod start = awaitLivePod(client, ns, "fan-1", "start");
        assertThat(start.getMetadata().getName()).isEqualTo("fan-1-start-0-0");
        eventually().until(() -> phase(client, ns, "fan-1"), "Running"::equals);
        succeed(client, start, "{\"splits\": 4}");

        List<Pod> trains = eventually().until(() -> livePods(client, ns, "fan-1", "train"), l -> l.size() == 4);
        assertThat(names(trains)).containsExactly("fan-1-train-0-0", "fan-1-train-1-0", "fan-1-train-2-0", "fan-1-train-3-0");
        assertThat(trains).extracting(p -> io.stratoflow.operator.Fixtures.taskSpec(p).taskId()).containsExactly("0", "1", "2", "3");
        assertThat(trains).allSatisfy(p -> assertThat(io.stratoflow.operator.Fixtures.taskSpec(p).parents())
                .containsExactly(new io.stratoflow.task.TaskSpec.TaskRef("start", "0")));

        for (int i = 0; i < 3; i++) {
            succeed(client, trains.get(i));
        }
        // The operator has seen three of four branches finish, and still no join.
        eventually().until(() -> getRun(client, ns, "fan-1").getStatus().steps.get("train").done == 3);
        assertThat(pods(client, ns, "fan-1", "join")).isEmpty();
        assertThat(getRun(client, ns, "fan-1").getStatus().progress).isEqualTo("4/7");

        succeed(client, trains.get(3));
        Pod join = awaitLivePod(client, ns, "fan-1", "join");
        assertThat(join.getMetadata().getName()).isEqualTo("fan-1-join-0-0");
        assertThat(io.stratoflow.operator.Fixtures.taskSpec(join).branches()).isEqualTo(new io.stratoflow.task.TaskSpec.Branches("train", "", 4));
        succeed(client, join);
        succeed(client, awaitLivePod(client, ns, "fan-1", "end"));

        Run done = eventually().until(() -> getRun(client, ns, "fan-1"), r -> "Succeeded".equals(r.getStatus().phase));
        assertThat(done.getStatus().progress).isEqualTo("7/7");
        assertThat(done.getStatus().finishedAt).isNotNull();
        assertThat(done.getStatus().observedGeneration).isNotNull().isEqualTo(done.getMetadata().getGeneration());
        Condition succeeded = condition(done.getStatus().conditions, "Succeeded").orElseThrow();
        assertThat(succeeded.getStatus()).isEqualTo("True");
        assertThat(condition(done.getStatus().conditions, "Running").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(done.getStatus().steps.get("train").done).isEqualTo(4);
        assertThat(done.getStatus().steps.get("train").total).isEqualTo(4);
        assertThat(pods(client, ns, "fan-1")).hasSize(7);
    }

    @Test
    void maxWorkersBoundsTheLivePods() {
        String ns = "max-workers";
        client.resource(flow(ns, "fan", foreachSteps(s -> s))).create();
        Run run = run(ns, "narrow", "fan");
        run.getSpec().maxWorkers = 2;

        // Every Pod event as the API server sends it: the most train Pods ever alive at once.
        MostLivePods mostAlive = new MostLivePods(pod -> "train".equals(pod.getMetadata().getLabels().get(TaskPodNames.STEP_LABEL)));
        try (Watch ignored = client.pods().inNamespace(ns).withLabel(TaskPodNames.RUN_LABEL, "narrow").watch(mostAlive)) {
            client.resource(run).create();
            succeed(client, awaitLivePod(client, ns, "narrow", "start"), "{\"splits\": 5}");

            for (int completed = 0; completed < 5; completed++) {
                int expected = Math.min(2, 5 - completed);
                List<Pod> live = eventually().until(() -> livePods(client, ns, "narrow", "train"), l -> l.size() == expected);
                assertThat(pods(client, ns, "narrow", "train")).hasSize(completed + expected);
                succeed(client, live.get(0));
                int done = completed + 1;
                eventually().until(() -> getRun(client, ns, "narrow").getStatus().steps.get("train").done == done);
                assertThat(livePods(client, ns, "narrow", "train")).hasSizeLessThanOrEqualTo(2);
                assertThat(getRun(client, ns, "narrow").getStatus().steps.get("train").running).isLessThanOrEqualTo(2);
            }
            succeed(client, awaitLivePod(client, ns, "narrow", "join"));
            succeed(client, awaitLivePod(client, ns, "narrow", "end"));
            eventually().until(() -> phase(client, ns, "narrow"), "Succeeded"::equals);
            assertThat(mostAlive.most()).isEqualTo(2);
            assertThat(Set.copyOf(names(pods(client, ns, "narrow", "train")))).hasSize(5);
        }
    }
}
