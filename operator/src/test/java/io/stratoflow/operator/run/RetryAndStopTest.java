package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.RetrySpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.fail;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.livePods;
import static io.stratoflow.operator.Fixtures.names;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/** A failed task gets a new Pod per retry, and fails the Run with the Pod's own words; a stop ends a Run mid fan-out. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RetryAndStopTest {

    @Inject
    KubernetesClient client;

    @Test
    void aFailedTaskIsRetriedInANewPodThenFailsTheRun() {
        String ns = "retry";
        StepSpec start = step("start", "end");
        start.retry = new RetrySpec(1, 0);
        client.resource(flow(ns, "flaky", List.of(start, step("end")))).create();
        client.resource(run(ns, "flaky-1", "flaky")).create();

        Pod first = awaitLivePod(client, ns, "flaky-1", "start");
        assertThat(first.getMetadata().getName()).isEqualTo("flaky-1-start-0-0");
        fail(client, first, 1, "Error", "java.lang.IllegalStateException: first try");

        Pod second = awaitLivePod(client, ns, "flaky-1", "start");
        assertThat(second.getMetadata().getName()).isEqualTo("flaky-1-start-0-1").endsWith("-1");
        assertThat(second.getMetadata().getAnnotations()).containsEntry("stratoflow.io/attempt", "1");
        assertThat(io.stratoflow.operator.Fixtures.taskSpec(second).attempt()).isEqualTo(1);
        fail(client, second, 137, "OOMKilled", "java.lang.OutOfMemoryError: Java heap space\n\tat com.example.Train.fit");

        Run failed = eventually().until(() -> getRun(client, ns, "flaky-1"), r -> "Failed".equals(r.getStatus().phase));
        assertThat(failed.getStatus().message)
                .contains("Step 'start'")
                .contains("after 2 attempts")
                .contains("flaky-1-start-0-1")
                .contains("OOMKilled (exit code 137)")
                .contains("java.lang.OutOfMemoryError: Java heap space");
        assertThat(condition(failed.getStatus().conditions, "Succeeded").orElseThrow().getStatus()).isEqualTo("False");
        assertThat(names(pods(client, ns, "flaky-1"))).containsExactly("flaky-1-start-0-0", "flaky-1-start-0-1");
    }

    @Test
    void stopDeletesTheRunningPodsAndEndsTheRunStopped() {
        String ns = "stop";
        client.resource(flow(ns, "fan", foreachSteps(s -> s))).create();
        client.resource(run(ns, "halt", "fan")).create();
        succeed(client, awaitLivePod(client, ns, "halt", "start"), "{\"splits\": 4}");
        List<Pod> trains = eventually().until(() -> livePods(client, ns, "halt", "train"), l -> l.size() == 4);
        succeed(client, trains.get(0));
        eventually().until(() -> getRun(client, ns, "halt").getStatus().steps.get("train").done == 1);

        client.resources(Run.class).inNamespace(ns).withName("halt").edit(r -> {
            r.getSpec().stop = true;
            return r;
        });

        Run stopped = eventually().until(() -> getRun(client, ns, "halt"), r -> "Stopped".equals(r.getStatus().phase));
        eventually().until(() -> livePods(client, ns, "halt", "train"), List::isEmpty);
        // The three running Pods are gone; the finished one is kept for its logs.
        assertThat(names(pods(client, ns, "halt", "train"))).containsExactly("halt-train-0-0");
        assertThat(pods(client, ns, "halt", "join")).isEmpty();
        assertThat(stopped.getStatus().message).contains("stop");
        assertThat(stopped.getStatus().finishedAt).isNotNull();
        assertThat(condition(stopped.getStatus().conditions, "Succeeded").orElseThrow().getStatus()).isEqualTo("False");
    }
}
