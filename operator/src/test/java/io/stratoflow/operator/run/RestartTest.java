package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.operator.pods.TaskPodNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
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
 * An operator restart mid fan-out: the new instance may see a status older than the Pods (the last status write was
 * lost) and a Pod its cache does not hold yet. Deterministic names make every repeated create a no-op, and the Run
 * goes on to the end without a single extra Pod.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RestartTest {

    static final String NS = "restart";
    static final String RUN = "again";

    @Inject
    KubernetesClient client;

    static String name(String step, int index, int attempt) {
        TaskKey task = index < 0 ? TaskKey.root(step) : new TaskKey(step, IndexPath.of(index));
        return TaskPodNames.podName(RUN, task, attempt);
    }

    List<String> allPodNames() {
        return names(client.pods().inNamespace(NS).list().getItems()).stream().sorted().toList();
    }

    @Test
    void aStaleStatusAndAPodTheCacheMissesCreateNoDuplicate() {
        client.resource(flow(NS, "fan", foreachSteps(s -> s))).create();
        client.resource(run(NS, RUN, "fan")).create();
        Pod start = awaitLivePod(client, NS, RUN, "start");
        assertThat(start.getMetadata().getName()).isEqualTo(name("start", -1, 0));

        // The status as it was while start ran: what a restarted operator finds if later writes were lost.
        RunStatus whileStartRan = eventually().until(() -> getRun(client, NS, RUN).getStatus(),
                st -> st.engine != null && st.engine.path("running").size() == 1);
        assertThat(whileStartRan.steps.get("train").done).isZero();

        // A Pod the previous instance created for split 2 but that the operator's cache does not hold (no run label yet).
        String split2 = name("train", 2, 0);
        client.resource(new PodBuilder(start).editMetadata()
                .withName(split2).withLabels(Map.of()).withResourceVersion(null).withUid(null).withCreationTimestamp(null)
                .endMetadata().withStatus(null).build()).create();

        succeed(client, start, "{\"splits\": 3}");
        eventually().until(() -> livePods(client, NS, RUN, "train"), l -> l.size() == 2);
        eventually().until(() -> getRun(client, NS, RUN).getStatus().steps.get("train").running == 3);
        // The create of split 2's Pod met the existing one and was a no-op: no error, no other name.
        Run running = getRun(client, NS, RUN);
        assertThat(running.getStatus().phase).isEqualTo("Running");
        assertThat(allPodNames()).containsExactly(name("start", -1, 0), name("train", 0, 0), name("train", 1, 0), split2);

        // The cache catches up with that Pod.
        client.pods().inNamespace(NS).withName(split2).edit(p -> new PodBuilder(p).editMetadata()
                .addToLabels(TaskPodNames.RUN_LABEL, RUN).addToLabels(TaskPodNames.STEP_LABEL, "train")
                .addToLabels(TaskPodNames.TASK_LABEL, "2").addToLabels(TaskPodNames.FLOW_LABEL, "fan")
                .endMetadata().build());
        for (Pod train : eventually().until(() -> livePods(client, NS, RUN, "train"), l -> l.size() == 3)) {
            succeed(client, train);
        }
        awaitLivePod(client, NS, RUN, "join");
        List<String> before = allPodNames();
        assertThat(before).hasSize(5).doesNotHaveDuplicates();

        // Restart with the stale status: the engine is back to "start running", and sees every Pod again.
        client.resources(Run.class).inNamespace(NS).withName(RUN).edit(r -> {
            r.setStatus(whileStartRan);
            r.getSpec().parameters.put("restarted", "true");
            return r;
        });
        // It catches up with the Pods (start, the three splits) without creating any.
        eventually().until(() -> getRun(client, NS, RUN).getStatus().steps.get("train").done == 3);
        assertThat(allPodNames()).isEqualTo(before);

        succeed(client, awaitLivePod(client, NS, RUN, "join"));
        succeed(client, awaitLivePod(client, NS, RUN, "end"));
        Run done = eventually().until(() -> getRun(client, NS, RUN), r -> "Succeeded".equals(r.getStatus().phase));
        assertThat(done.getStatus().progress).isEqualTo("6/6");
        assertThat(allPodNames()).containsExactly(name("end", -1, 0), name("join", -1, 0), name("start", -1, 0),
                name("train", 0, 0), name("train", 1, 0), name("train", 2, 0));
        assertThat(pods(client, NS, RUN)).hasSize(6);
    }
}
