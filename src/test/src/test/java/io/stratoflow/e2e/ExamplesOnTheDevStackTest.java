package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.datastore.storage.S3Settings;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user does: {@code dev/cluster up} with no settings (an executing node per pool of the examples, the S3
 * server, the operator), then {@code kubectl apply} of the compute pools and of every YAML in {@code examples/yaml/}.
 * Every Run must succeed, its Pods on the nodes of the pools its steps name.
 */
class ExamplesOnTheDevStackTest {

    private static final int PORT_OFFSET = 200;
    private static final String NAMESPACE = "default";

    private static ControlPlane stack;
    private static KubernetesClient client;

    @BeforeAll
    static void startTheDevStack() throws IOException {
        stack = ControlPlane.devStack(ControlPlane.projectDir(), "dev-stack-e2e", PORT_OFFSET);
        stack.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(stack.kubeconfig()))).build();
    }

    @AfterAll
    static void stopIt() {
        if (client != null) {
            client.close();
        }
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void everyExampleYamlRunsToSucceededOnItsPools() throws IOException {
        List<String> runs = new ArrayList<>();
        for (HasMetadata pool : Fixtures.load(Fixtures.examples().resolve("compute-pools.yaml"))) {
            client.resource(pool).serverSideApply();
        }
        for (Path file : exampleFlows()) {
            for (HasMetadata resource : Fixtures.load(file)) {
                client.resource(resource).inNamespace(NAMESPACE).create();
                if (resource instanceof Run run) {
                    runs.add(run.getMetadata().getName());
                }
            }
        }
        assertThat(runs).contains("scalable-flow-1", "big-sum-1", "cross-cloud-flow-1", "hybrid-cloud-flow-1", "shell-flow-1");

        for (String run : runs) {
            Runs.awaitPhase(client, NAMESPACE, run, "Succeeded", Duration.ofMinutes(10));
        }

        assertThat(nodesOf("cross-cloud-flow-1", "process")).containsOnly("exec-azure");
        assertThat(nodesOf("hybrid-cloud-flow-1", "prepare-data")).containsOnly("exec-onprem");
        assertThat(nodesOf("hybrid-cloud-flow-1", "train")).containsOnly("exec-gpu");
        assertThat(nodesOf("hybrid-cloud-flow-1", "join")).containsOnly("exec-highmem");
        assertThat(nodesOf("scalable-flow-1", "train")).containsExactly("exec-aws");
        assertThat(bestOfScalableFlow()).as("ScalableFlow's best model, read from the dev stack's S3 server").isIn("US", "BR", "DE", "JP");
    }

    private static List<Path> exampleFlows() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.examples())) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("compute-pools.yaml"))
                    .sorted().toList();
        }
    }

    private static List<String> nodesOf(String run, String step) {
        List<Pod> pods = Runs.pods(client, NAMESPACE, run, step);
        assertThat(pods).as(run + "/" + step + " Pods").isNotEmpty();
        return pods.stream().map(p -> p.getSpec().getNodeName()).distinct().toList();
    }

    /** Where dev/cluster keeps SDK tasks' data: its S3 server, with the dev credentials it prints. */
    private static String bestOfScalableFlow() {
        DatastoreLocation location = new DatastoreLocation("s3://stratoflow/dev", "http://127.0.0.1:" + (17070 + PORT_OFFSET), "us-east-1", true);
        S3Settings settings = S3Settings.defaults().withCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("stratoflow-dev", "stratoflow-dev-secret")));
        try (Datastore datastore = Datastore.open(location, settings)) {
            TaskRecord end = datastore.runs().readTask("ScalableFlow", "scalable-flow-1", "end", "0").orElseThrow(
                    () -> new AssertionError("ScalableFlow's end task left no record in " + location.describe()));
            return (String) datastore.artifacts().read("best", end.artifacts().get("best"), String.class);
        }
    }
}
