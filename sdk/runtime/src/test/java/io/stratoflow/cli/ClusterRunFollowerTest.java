package io.stratoflow.cli;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.StepProgress;
import io.stratoflow.model.TaskPodKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Following a Run on a mock API server while its tasks' logs appear in the datastore. */
class ClusterRunFollowerTest {

    private static final String NAMESPACE = "flows";
    private static final String RUN = "scalable-flow-1";

    @TempDir
    Path root;

    private KubernetesMockServer server;
    private KubernetesClient client;
    private Datastore datastore;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING); // a line per request
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(CustomResourceDefinitionContext.fromCustomResourceType(Run.class))), false);
        server.init();
        client = server.createClient();
        datastore = new Datastore(root);
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void tasksLinesArePrintedWhileTheRunRunsAndTheLastOnesBeforeItSucceeded() throws Exception {
        Run run = phase(create(), "Running");
        CompletableFuture<Integer> following = follow();

        store("train", "0", "epoch 1: 0.71\n");
        await().atMost(15, TimeUnit.SECONDS).until(() -> text(out).contains("[" + RUN + "/train/0] epoch 1: 0.71\n"));
        assertThat(following).as("the Run still runs").isNotDone();

        store("train", "0", "epoch 1: 0.71\nepoch 2: 0.93\n");
        store("end", "0", "Best model: JP\n");
        phase(run, "Succeeded");
        assertThat(following.get(15, TimeUnit.SECONDS)).isZero();

        String printed = text(out);
        assertThat(printed).contains("[" + RUN + "/train/0] epoch 2: 0.93\n");
        assertThat(printed.indexOf("[" + RUN + "/end/0] Best model: JP\n")).isPositive()
                .isLessThan(printed.indexOf("succeeded in"));
        assertThat(printed).containsOnlyOnce("epoch 1: 0.71");
    }

    @Test
    void aFailedTaskBeyondTheLimitIsPrintedBeforeTheRunSaysItFailed() throws Exception {
        Run run = phase(create(), "Running");
        for (int task = 0; task <= ShownTasks.PER_STEP; task++) {
            store("train", Integer.toString(task), "training split " + task + "\n");
        }
        String failed = Integer.toString(ShownTasks.PER_STEP);
        client.pods().inNamespace(NAMESPACE).resource(failedPod("train", failed)).create();
        CompletableFuture<Integer> following = follow();
        phase(run, "Failed");
        assertThat(following.get(15, TimeUnit.SECONDS)).isEqualTo(1);

        assertThat(text(out)).contains("[" + RUN + "/train/" + failed + "] training split " + failed + "\n")
                .doesNotContain("not shown; logs");
        assertThat(text(err)).contains("Task " + RUN + "/train/" + failed + " failed; its output is above")
                .doesNotContain("Last lines of task");
    }

    @Test
    void noTaskOutputWithNone() throws Exception {
        Run run = phase(create(), "Running");
        store("end", "0", "Best model: JP\n");
        CompletableFuture<Integer> following = follow(TaskOutputMode.NONE);
        phase(run, "Succeeded");
        assertThat(following.get(15, TimeUnit.SECONDS)).isZero();
        assertThat(text(out)).doesNotContain("Best model").contains("succeeded in");
    }

    private CompletableFuture<Integer> follow() {
        return follow(TaskOutputMode.LIMITED);
    }

    private CompletableFuture<Integer> follow(TaskOutputMode mode) {
        ClusterConnection cluster = new ClusterConnection(client, NAMESPACE, "https://mock");
        ClusterRunFollower follower = new ClusterRunFollower(cluster, datastore, List.of("start", "train", "end"), "ScalableFlow",
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false,
                Duration.ofSeconds(30), mode, false);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return follower.follow(RUN, false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Run create() {
        Run run = new Run();
        run.setMetadata(new ObjectMeta());
        run.getMetadata().setName(RUN);
        run.getMetadata().setNamespace(NAMESPACE);
        return client.resources(Run.class).inNamespace(NAMESPACE).resource(run).create();
    }

    private Run phase(Run run, String phase) {
        RunStatus status = new RunStatus();
        status.phase = phase;
        status.message = phase.equals("Failed") ? "task train/" + ShownTasks.PER_STEP + " failed" : null;
        status.steps = Map.of("start", new StepProgress(1, 0, 1), "train", new StepProgress(0, 1, 1), "end", new StepProgress(0, 0, 0));
        Run current = client.resources(Run.class).inNamespace(NAMESPACE).withName(RUN).get();
        current.setStatus(status);
        return client.resources(Run.class).inNamespace(NAMESPACE).resource(current).updateStatus();
    }

    private static Pod failedPod(String step, String task) {
        return new PodBuilder().withNewMetadata().withName(RUN + "-" + step + "-" + task).withNamespace(NAMESPACE)
                .addToLabels(TaskPodKeys.RUN_LABEL, RUN)
                .addToAnnotations(TaskPodKeys.STEP_ANNOTATION, step).addToAnnotations(TaskPodKeys.TASK_ANNOTATION, task)
                .endMetadata().withNewStatus().withPhase("Failed").endStatus().build();
    }

    /** Stores a log whole, as the task runner does every few seconds. */
    private void store(String step, String task, String text) {
        datastore.runs().storeLog("ScalableFlow", RUN, step, task, 0, "stdout", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
