package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.Run;
import io.stratoflow.operator.MostLivePods;
import io.stratoflow.operator.pods.TaskPodNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.inPool;
import static io.stratoflow.operator.Fixtures.livePods;
import static io.stratoflow.operator.Fixtures.phase;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.pool;
import static io.stratoflow.operator.Fixtures.resources;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/** What a ComputePool admits: never a task it can never hold, and no more than its quota at once, in order. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PoolAdmissionTest {

    @Inject
    KubernetesClient client;

    @AfterEach
    void removePools() {
        client.resources(ComputePool.class).delete();
        eventually().until(() -> client.resources(ComputePool.class).list().getItems().isEmpty());
    }

    /** Creates the pool and waits until the operator has seen it. */
    ComputePool createPool(ComputePool pool) {
        client.resource(pool).create();
        return eventually().until(() -> client.resources(ComputePool.class).withName(pool.getMetadata().getName()).get(),
                p -> p.getStatus() != null && p.getStatus().observedGeneration != null);
    }

    @Test
    void aStepNoPoolCanHoldRefusesTheRunBeforeAnyPod() {
        String ns = "refused";
        ComputePool defaultPool = pool("default", new PoolResources(null, "256Gi", null));
        defaultPool.getSpec().defaultPool = true;
        createPool(defaultPool);
        client.resource(flow(ns, "hungry", foreachSteps(s -> s.name.equals("train") ? resources(s, null, "512000M", null, null) : s)))
                .create();
        client.resource(run(ns, "hungry-1", "hungry")).create();

        Run failed = eventually().until(() -> getRun(client, ns, "hungry-1"), r -> r.getStatus() != null && "Failed".equals(r.getStatus().phase));
        assertThat(failed.getStatus().message)
                .contains("Step 'train'")
                .contains("memory=512000M")
                .contains("256Gi")
                .contains("ComputePool 'default'")
                .contains("refuses to execute")
                .doesNotContain("null");
        assertThat(condition(failed.getStatus().conditions, "Succeeded").orElseThrow().getReason()).isEqualTo("Refused");
        // Not even the start step, which would fit, got a Pod.
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(failed.getStatus().engine).isNull();
    }

    @Test
    void quotaBoundsTheLivePodsAndQueuesTheRest() {
        String ns = "quota";
        ComputePool quotaPool = pool("quota-pool", new PoolResources("8", "64Gi", null));
        quotaPool.getSpec().quota = new PoolResources("2", null, null);
        createPool(quotaPool);
        client.resource(flow(ns, "fan", foreachSteps(s -> inPool(resources(s, "1", "1Gi", null, null), "quota-pool")))).create();
        Run run = run(ns, "queued", "fan");
        run.getSpec().maxWorkers = 16;

        MostLivePods mostAlive = new MostLivePods(pod -> true);
        try (Watch ignored = client.pods().inNamespace(ns).withLabel(TaskPodNames.POOL_LABEL, "quota-pool").watch(mostAlive)) {
            client.resource(run).create();
            succeed(client, awaitLivePod(client, ns, "queued", "start"), "{\"splits\": 5}");

            List<Pod> first = eventually().until(() -> livePods(client, ns, "queued", "train"), l -> l.size() == 2);
            Run waiting = eventually().until(() -> getRun(client, ns, "queued"),
                    r -> r.getStatus().message != null && r.getStatus().message.contains("wait for quota"));
            assertThat(waiting.getStatus().message).isEqualTo("3 task(s) wait for quota of ComputePool quota-pool");
            assertThat(waiting.getStatus().phase).isEqualTo("Running");
            assertThat(pods(client, ns, "queued", "train")).hasSize(2);

            succeed(client, first.get(0));
            for (int completed = 1; completed < 5; completed++) {
                int expected = Math.min(2, 5 - completed);
                List<Pod> now = eventually().until(() -> livePods(client, ns, "queued", "train"), l -> l.size() == expected);
                assertThat(pods(client, ns, "queued", "train")).hasSize(completed + expected);
                succeed(client, now.get(0));
            }
            succeed(client, awaitLivePod(client, ns, "queued", "join"));
            succeed(client, awaitLivePod(client, ns, "queued", "end"));
            Run done = eventually().until(() -> getRun(client, ns, "queued"), r -> "Succeeded".equals(r.getStatus().phase));
            assertThat(done.getStatus().progress).isEqualTo("8/8");
            assertThat(done.getStatus().message).isNull();
            assertThat(mostAlive.most()).isEqualTo(2);
        }
    }

    @Test
    void aRunDeletedWhileItWaitsForQuotaDoesNotHoldTheLine() {
        String ns = "quota-order";
        ComputePool narrow = pool("narrow-pool", new PoolResources("8", "64Gi", null));
        narrow.getSpec().quota = new PoolResources("1", null, null);
        createPool(narrow);
        // Only train runs in the pool; its quota holds one train task at a time.
        client.resource(flow(ns, "fan", foreachSteps(s -> s.name.equals("train") ? inPool(resources(s, "1", "1Gi", null, null), "narrow-pool") : s)))
                .create();

        client.resource(run(ns, "older", "fan")).create();
        succeed(client, awaitLivePod(client, ns, "older", "start"), "{\"splits\": 2}");
        awaitLivePod(client, ns, "older", "train");
        eventually().until(() -> getRun(client, ns, "older").getStatus().message, m -> m != null && m.contains("wait for quota"));

        client.resource(run(ns, "younger", "fan")).create();
        succeed(client, awaitLivePod(client, ns, "younger", "start"), "{\"splits\": 1}");
        eventually().until(() -> getRun(client, ns, "younger").getStatus().message, m -> m != null && m.contains("wait for quota"));

        // The older Run goes away with its Pods. The mock server has no garbage collector: the test stands in for it, also
        // for a Pod that a pass of the older Run already under way creates after the deletion.
        client.resources(Run.class).inNamespace(ns).withName("older").delete();
        Pod admitted = eventually().until(() -> {
            client.pods().inNamespace(ns).withLabel(TaskPodNames.RUN_LABEL, "older").delete();
            return livePods(client, ns, "younger", "train");
        }, pods -> pods.size() == 1).get(0);
        succeed(client, admitted);
        succeed(client, awaitLivePod(client, ns, "younger", "join"));
        succeed(client, awaitLivePod(client, ns, "younger", "end"));
        eventually().until(() -> phase(client, ns, "younger"), "Succeeded"::equals);
    }
}
