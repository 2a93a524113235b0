package io.stratoflow.e2e;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.datastore.storage.S3Settings;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.FlowCliProcess;
import io.stratoflow.e2e.support.LocalRuns;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.examples.ScalableFlow;
import io.stratoflow.runtime.RunOutcome;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart installed as a platform team installs it, with nothing started beside the cluster: the operator runs from
 * the image the build wrote ({@code images/target/images}), in a Pod on an executing node, under the chart's service
 * account, RBAC and probes; {@code run --with kubernetes} of ScalableFlow goes through that operator, and its task
 * Pods run in the task-runner image.
 */
class ChartOperatorTest {

    private static final int PORT_OFFSET = 400;
    private static final String RELEASE_NAMESPACE = "stratoflow-system";
    private static final String SECRET = "stratoflow-datastore";
    private static final String ACCESS_KEY = "stratoflow-dev";
    private static final String SECRET_KEY = "stratoflow-dev-secret";
    private static final int S3_PORT = 17070 + PORT_OFFSET;

    private static ControlPlane stack;
    private static KubernetesClient client;

    @TempDir
    static Path work;

    @BeforeAll
    static void installTheChartOnTheDevStack() {
        stack = ControlPlane.devStack(ControlPlane.projectDir(), "chart-operator-e2e", PORT_OFFSET, Map.of("STRATOFLOW_OPERATOR", "0"));
        stack.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(stack.kubeconfig()))).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(RELEASE_NAMESPACE).endMetadata().build())
                .serverSideApply();
        for (String namespace : List.of(RELEASE_NAMESPACE, "default")) {
            client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(SECRET).endMetadata()
                    .addToStringData(Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1"))
                    .build()).serverSideApply();
        }
        new Helm(ControlPlane.projectDir().resolve("helm/stratoflow")).install()
                .withKubeConfig(stack.kubeconfig())
                .withName("stratoflow")
                .withNamespace(RELEASE_NAMESPACE)
                .set("datastore.root", "s3://stratoflow/chart")
                .set("datastore.endpoint", "http://127.0.0.1:" + S3_PORT)
                .set("datastore.region", "us-east-1")
                .set("datastore.pathStyle", "true")
                .set("datastore.credentialsSecret", SECRET)
                // the task Pods' ServiceAccount, in the namespace of the Runs
                .set("taskServiceAccount.extraNamespaces[0]", "default")
                // Pods on the executing node share its network: a port of this test's own
                .set("httpPort", Integer.toString(18080 + PORT_OFFSET))
                .set("nodeSelector.stratoflow\\.io/pool-group", "onprem")
                // the examples' pools stand in for the chart's default one
                .set("defaultPool.enabled", "false")
                .call();
        for (HasMetadata pool : Fixtures.load(Fixtures.examples().resolve("compute-pools.yaml"))) {
            client.resource(pool).serverSideApply();
        }
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
    void theChartsOperatorRunsFromItsImageAndRunsScalableFlowInTaskRunnerImages() throws Exception {
        Properties images = builtImages();
        Pod operator = Awaitility.await("the chart's operator Pod ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(ChartOperatorTest::operatorPod, pod -> pod != null && ready(pod));
        assertThat(operator.getSpec().getNodeName()).isEqualTo("exec-onprem");
        assertThat(operator.getSpec().getContainers().get(0).getImage()).isEqualTo(images.getProperty("operator.reference"));
        assertThat(operator.getStatus().getContainerStatuses().get(0).getImageID()).contains(images.getProperty("operator.digest"));

        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, Map.of("KUBECONFIG", stack.kubeconfig().toString(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1"),
                work, "run", "--with", "kubernetes", "--rounds", "2000");
        assertThat(cli.awaitExit(Duration.ofMinutes(8))).as(cli.output()).isZero();
        String run = cli.find("Run ScalableFlow/([a-z0-9-]+) created");

        List<Pod> taskPods = Runs.pods(client, "default", run);
        assertThat(taskPods).isNotEmpty();
        for (Pod pod : taskPods) {
            assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(images.getProperty("task-runner.reference"));
            assertThat(pod.getStatus().getContainerStatuses()).extracting(ContainerStatus::getImageID)
                    .allSatisfy(id -> assertThat(id).contains(images.getProperty("task-runner.digest")));
        }
        assertThat(operatorPod().getStatus().getContainerStatuses().get(0).getRestartCount()).as("operator restarts").isZero();

        RunOutcome local = LocalRuns.run(ScalableFlow.class, Map.of("rounds", 2000), work.resolve("local"));
        String localBest = (String) LocalRuns.artifact(new Datastore(work.resolve("local")), local.flow(), local.runId(), "end", "best");
        assertThat(best(run)).isEqualTo(localBest);
    }

    private static Pod operatorPod() {
        return client.pods().inNamespace(RELEASE_NAMESPACE).withLabel("app.kubernetes.io/name", "stratoflow").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null);
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    private static Properties builtImages() throws IOException {
        Properties images = new Properties();
        try (Reader in = Files.newBufferedReader(ControlPlane.projectDir().resolve("images/target/images/images.properties"))) {
            images.load(in);
        }
        return images;
    }

    /** ScalableFlow's {@code best}, read where the chart's datastore settings put it. */
    private static String best(String run) {
        S3Settings settings = S3Settings.defaults().withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
        DatastoreLocation location = new DatastoreLocation("s3://stratoflow/chart", "http://127.0.0.1:" + S3_PORT, "us-east-1", true);
        try (Datastore datastore = Datastore.open(location, settings)) {
            TaskRecord end = datastore.runs().readTask("ScalableFlow", run, "end", "0")
                    .orElseThrow(() -> new AssertionError("ScalableFlow/" + run + "'s end task left no record in " + datastore.location().describe()));
            return (String) datastore.artifacts().read("best", end.artifacts().get("best"), String.class);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
