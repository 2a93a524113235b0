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
import io.stratoflow.e2e.support.Browser;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.TaskPodKeys;
import io.stratoflow.model.Run;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.stratoflow.e2e.support.FlowCliProcess;
import io.stratoflow.e2e.support.LocalRuns;
import io.stratoflow.client.Client;
import io.stratoflow.client.RunRef;
import io.stratoflow.e2e.flows.FailuresFlow;
import io.stratoflow.examples.BigSum;
import io.stratoflow.examples.CrossCloudFlow;
import io.stratoflow.examples.HybridCloudFlow;
import io.stratoflow.examples.ScalableFlow;
import io.stratoflow.runtime.RunOutcome;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user does on {@code dev/cluster up} with no settings (an executing node per pool of the examples, the S3
 * server, the chart with its operator running from its image on one of those nodes): {@code kubectl apply} of every YAML in {@code examples/yaml/}, each Run succeeding on the
 * nodes of the pools its steps name; and the flow CLI against that cluster, as a separate process: run, refusal,
 * Ctrl-C, logs, kubernetes list and kill, resume.
 */
class DevStackTest {

    private static final int PORT_OFFSET = 200;
    private static final String NAMESPACE = "default";
    private static final String OPERATOR_NAMESPACE = "stratoflow-system";
    private static final String OPERATOR_DEPLOYMENT = "stratoflow-operator";

    private static ControlPlane stack;
    private static KubernetesClient client;

    @TempDir
    static Path work;

    @BeforeAll
    static void startTheDevStack() throws IOException {
        // the tests read finished task Pods back (their nodes, their image): the operator keeps them
        stack = ControlPlane.devStack(ControlPlane.projectDir(), "dev-stack-e2e", PORT_OFFSET,
                Map.of("STRATOFLOW_DELETE_SUCCEEDED_PODS", "false"));
        stack.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(stack.kubeconfig()))).build();
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
    void everyExampleYamlRunsToSucceededOnItsPools() throws IOException {
        List<String> runs = new ArrayList<>();
        for (Path file : exampleFlows()) {
            for (HasMetadata resource : Fixtures.load(file)) {
                // as kubectl apply does: the CLI tests may have applied the same Flows already
                client.resource(resource).inNamespace(NAMESPACE).forceConflicts().serverSideApply();
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

    @Test
    void theOperatorIsTheChartsRunningFromItsImageOnAnExecutingNode() throws IOException {
        Properties images = builtImages();
        List<Pod> operators = client.pods().inNamespace(OPERATOR_NAMESPACE).withLabel("app.kubernetes.io/name", "stratoflow").list().getItems();
        assertThat(operators).hasSize(1);
        Pod operator = operators.get(0);
        assertThat(operator.getSpec().getNodeName()).startsWith("exec-");
        assertThat(operator.getSpec().getServiceAccountName()).isEqualTo("stratoflow-operator");
        assertThat(operator.getSpec().getContainers().get(0).getImage()).isEqualTo(images.getProperty("operator.reference"));
        // containerd reports an imported image by its ID, the digest of its configuration
        assertThat(operator.getStatus().getContainerStatuses().get(0).getImageID()).isEqualTo(images.getProperty("operator.imageId"));
        assertThat(operator.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        for (String namespace : List.of(OPERATOR_NAMESPACE, NAMESPACE)) {
            assertThat(client.namespaces().withName(namespace).get().getMetadata().getLabels()).as("namespace " + namespace)
                    .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        }
    }

    @Test
    void runWithKubernetesFromTheCliGivesTheLocalRunsBest() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, environment(), work, "run", "--with", "kubernetes", "--rounds", "2000");
        assertThat(cli.awaitExit(Duration.ofMinutes(6))).as(cli.output()).isZero();
        assertThat(cli.output()).contains("code package").contains("succeeded in").containsPattern("train \\d+/4");
        String run = cli.find("Run ScalableFlow/([a-z0-9-]+) created");
        assertThat(client.resources(Run.class).inNamespace(NAMESPACE).withName(run).get().getMetadata().getLabels())
                .containsKey("stratoflow.io/user");
        Properties images = builtImages();
        assertThat(Runs.pods(client, NAMESPACE, run)).as("task Pods, run in the task-runner image the build wrote").isNotEmpty()
                .allSatisfy(pod -> assertThat(pod.getStatus().getContainerStatuses().get(0).getImageID())
                        .isEqualTo(images.getProperty("task-runner.imageId")));

        RunOutcome local = LocalRuns.run(ScalableFlow.class, Map.of("rounds", 2000), work.resolve("local"));
        String localBest = (String) LocalRuns.artifact(new Datastore(work.resolve("local")), local.flow(), local.runId(), "end", "best");
        assertThat(best("ScalableFlow", run)).isEqualTo(localBest);
        // what the Pods printed, read from S3 while they ran, as a local run prints it, before the run's end is reported
        String output = cli.output();
        assertThat(output).as("the train tasks' scores").containsPattern("\\[" + run + "/train/\\d\\] [A-Z]{2}: score \\d");
        assertThat(output).contains("[" + run + "/end/0] Best model: " + localBest);
        assertThat(output.indexOf("[" + run + "/end/0] Best model: ")).isLessThan(output.indexOf("succeeded in"));

        // the client API reads the cluster run as a local one: its record, typed parameters and artifacts from S3
        System.setProperty("aws.accessKeyId", "stratoflow-dev");
        System.setProperty("aws.secretAccessKey", "stratoflow-dev-secret");
        System.setProperty("aws.region", "us-east-1");
        RunRef clusterRun = Client.cluster(Map.of("KUBECONFIG", stack.kubeconfig().toString())).flow("ScalableFlow").run(run);
        assertThat(clusterRun.successful()).isTrue();
        assertThat(clusterRun.parameter("rounds")).isEqualTo(2000);
        assertThat(clusterRun.artifact("best")).isEqualTo(localBest);
        assertThat(clusterRun.step("train").tasks()).hasSize(4);
        assertThat(clusterRun.step("start").tasks().get(0).stdout()).contains("Training 4 models");
    }

    /**
     * The web view as the chart deploys it (served by the operator's Pod, anonymous on the dev stack), in a real browser:
     * a run started with {@code run --with kubernetes} in the Runs view, its graph, a task's log and an artifact in its
     * Run view, and samples of demand and nodes for the pool its tasks ran in in the Status view. Screenshots of each view
     * go to target/screenshots.
     */
    @Test
    void theOperatorsWebViewShowsACliRunItsLogAndArtifactsAndThePoolsDemandInABrowser() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, environment(), work, "run", "--with", "kubernetes", "--rounds", "2000");
        assertThat(cli.awaitExit(Duration.ofMinutes(6))).as(cli.output()).isZero();
        String run = cli.find("Run ScalableFlow/([a-z0-9-]+) created");
        String pool = Runs.pods(client, NAMESPACE, run, "train").get(0).getMetadata().getLabels().get(TaskPodKeys.POOL_LABEL);
        assertThat(pool).as("the pool label of the train Pods").isNotBlank();
        String view = "http://127.0.0.1:" + (18081 + PORT_OFFSET) + "/";
        Path screenshots = ControlPlane.projectDir().resolve("src/test/target/screenshots");

        try (Browser browser = Browser.open(Duration.ofSeconds(60))) {
            browser.go(view + "#/runs");
            String row = "#runs tr[data-href$='/" + run + "']";
            browser.await(d -> browser.text(row).contains("Succeeded"));
            assertThat(browser.text(row)).contains(run);
            browser.screenshot(screenshots.resolve("runs.png"));

            browser.click(row);
            browser.await(d -> browser.all("#steps tbody tr").size() == 4 && !browser.all("#graph canvas").isEmpty());
            browser.click("#steps tr[data-step=end]");
            browser.click("#task-table tr[data-task='0']");
            browser.await(d -> browser.text("#log").contains("Best model:"));
            browser.await(d -> browser.all("#artifact-table tbody tr").stream().anyMatch(r -> r.getText().startsWith("best")));
            String best = best("ScalableFlow", run);
            assertThat(browser.all("#artifact-table tbody tr")).anySatisfy(r -> assertThat(r.getText()).startsWith("best").contains(best));
            browser.screenshot(screenshots.resolve("run.png"));

            browser.go(view + "#/status");
            // the page draws a pool's charts once its first answer arrived: until then there is nothing to count
            String samples = "const chart = name => { const element = document.querySelector(`[data-${name}=\"" + pool + "\"]`);"
                    + " return element && window.echarts ? echarts.getInstanceByDom(element) : null; };"
                    + "const values = (name, series) => chart(name) ? chart(name).getOption().series.find(s => s.name === series)"
                    + ".data.map(point => point[1]).filter(value => value !== null && value !== undefined) : [];"
                    + "return [values('demand', 'CPU').length, Math.max(0, ...values('nodes', 'nodes'))];";
            // samples of CPU demand, and nodes online (the pool's executing node) in the nodes chart
            browser.await(d -> ((List<?>) browser.script(samples)).stream().allMatch(n -> ((Number) n).longValue() > 0));
            browser.screenshot(screenshots.resolve("status.png"));
        }
    }

    @Test
    void aRequestNoPoolCanHoldIsRefusedBeforeAnyPod() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(BigSum.class, environment(), work, "run", "--with", "kubernetes:memory=512000");
        assertThat(cli.awaitExit(Duration.ofMinutes(3))).as(cli.output()).isEqualTo(1);
        assertThat(cli.output()).contains("Step 'start'").contains("512000M").contains("refuses to execute");
        String run = cli.find("Run BigSum/([a-z0-9-]+) created");
        assertThat(Runs.pods(client, NAMESPACE, run)).isEmpty();
    }

    @Test
    void ctrlCStopsTheRunAndDeletesItsPods() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, environment(), work, "run", "--with", "kubernetes",
                "--rounds", "2000000000");
        Awaitility.await("a train task running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                cli.output().contains("created in namespace") && Runs.pods(client, NAMESPACE, cli.find("Run ScalableFlow/([a-z0-9-]+) created"), "train")
                        .stream().anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
        String run = cli.find("Run ScalableFlow/([a-z0-9-]+) created");

        cli.interrupt();

        assertThat(cli.awaitExit(Duration.ofSeconds(60))).isNotZero();
        assertThat(cli.output()).contains("Stopped Run default/" + run);
        assertThat(client.resources(Run.class).inNamespace(NAMESPACE).withName(run).get().getStatus().phase).isEqualTo("Stopped");
        Awaitility.await("the Run's Pods deleted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Runs.pods(client, NAMESPACE, run).stream().noneMatch(p -> "Running".equals(p.getStatus().getPhase())
                        || "Pending".equals(p.getStatus().getPhase())));
    }

    @Test
    void logsOfAClusterRunOutliveItsPods() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, environment(), work, "run", "--with", "kubernetes",
                "--rounds", "1000", "--countries", "US,BR", "--run-name", "logs-after-pods");
        assertThat(cli.awaitExit(Duration.ofMinutes(5))).as(cli.output()).isZero();
        client.pods().inNamespace(NAMESPACE).withLabel("stratoflow.io/run", "logs-after-pods").delete();
        Awaitility.await("the Pods gone").atMost(Duration.ofSeconds(60)).until(() -> Runs.pods(client, NAMESPACE, "logs-after-pods").isEmpty());

        FlowCliProcess logs = FlowCliProcess.start(ScalableFlow.class, environment(), work, "logs", "logs-after-pods/start");
        assertThat(logs.awaitExit(Duration.ofMinutes(1))).as(logs.output()).isZero();
        assertThat(logs.output()).contains("Training 2 models: [US, BR]");
    }

    @Test
    void kubernetesListAndKillTouchOnlyTheChosenRuns() throws Exception {
        FlowCliProcess alice = FlowCliProcess.start(ScalableFlow.class, as("alice"), work, "run", "--with", "kubernetes",
                "--rounds", "2000000000", "--run-name", "alice-long");
        FlowCliProcess bob = FlowCliProcess.start(ScalableFlow.class, as("bob"), work, "run", "--with", "kubernetes",
                "--rounds", "2000000000", "--run-name", "bob-long");
        for (String run : List.of("alice-long", "bob-long")) {
            Awaitility.await(run + " running").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "Running".equals(phase(run)));
        }

        String listed = cli(as("alice"), "kubernetes", "list");
        assertThat(listed).contains("alice-long").doesNotContain("bob-long");
        assertThat(cli(as("alice"), "kubernetes", "list", "--user", "bob")).contains("bob-long").doesNotContain("alice-long");

        assertThat(cli(as("alice"), "kubernetes", "kill")).contains("Stopping run alice-long").doesNotContain("bob-long");
        Awaitility.await("alice's run stopped").atMost(Duration.ofSeconds(60)).until(() -> "Stopped".equals(phase("alice-long")));
        assertThat(phase("bob-long")).as("another user's run, without --user").isEqualTo("Running");

        assertThat(cli(as("alice"), "kubernetes", "kill", "--user", "bob")).contains("Stopping run bob-long");
        Awaitility.await("bob's run stopped").atMost(Duration.ofSeconds(60)).until(() -> "Stopped".equals(phase("bob-long")));
        assertThat(alice.awaitExit(Duration.ofSeconds(60))).as(alice.output()).isEqualTo(1);
        assertThat(bob.awaitExit(Duration.ofSeconds(60))).as(bob.output()).isEqualTo(1);
        assertThat(cli(as("bob"), "kubernetes", "kill", "--run-id", "alice-long")).contains("alice-long already Stopped: nothing to stop");
    }

    @Test
    void resumeOfAFailedClusterRunRerunsFromTheFailedStepOnTheCluster() throws Exception {
        FlowCliProcess failing = FlowCliProcess.start(FailuresFlow.class, environment(), work, "run", "--with", "kubernetes",
                "--run-name", "cli-resumable-1", "--failInRun", "cli-resumable-1");
        assertThat(failing.awaitExit(Duration.ofMinutes(5))).as(failing.output()).isEqualTo(1);
        assertThat(failing.output()).contains("failed").contains("failing on purpose in run cli-resumable-1")
                .contains("logs cli-resumable-1/prepare/0");

        FlowCliProcess resumed = FlowCliProcess.start(FailuresFlow.class, environment(), work, "resume", "--origin-run-id", "cli-resumable-1");
        assertThat(resumed.awaitExit(Duration.ofMinutes(5))).as(resumed.output()).isZero();
        String run = resumed.find("Run FailuresFlow/([a-z0-9-]+) created");
        assertThat(Runs.pods(client, NAMESPACE, run, "start")).as("start is cloned, not run again").isEmpty();
        assertThat(Runs.pods(client, NAMESPACE, run, "prepare")).hasSize(1);
    }

    @Test
    void crossCloudFlowsProcessTasksLandOnlyOnAzureNodes() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(CrossCloudFlow.class, environment(), work, "run", "--with", "kubernetes",
                "--run-name", "cross-cloud-cli");
        assertThat(cli.awaitExit(Duration.ofMinutes(8))).as(cli.output()).isZero();
        List<Pod> process = Runs.pods(client, NAMESPACE, "cross-cloud-cli", "process");
        assertThat(process).isNotEmpty();
        for (Pod pod : process) {
            assertThat(client.nodes().withName(pod.getSpec().getNodeName()).get().getMetadata().getLabels())
                    .containsEntry("outerbounds.co/provider", "azure");
        }
    }

    @Test
    void anS3ServerThisMachineCannotReachIsNamedBeforeAnyRun() throws Exception {
        Map<String, String> unreachable = new java.util.HashMap<>(environment());
        unreachable.put("STRATOFLOW_DATASTORE_ENDPOINT", "http://127.0.0.1:9");
        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, unreachable, work, "run", "--with", "kubernetes",
                "--run-name", "no-s3-here");
        assertThat(cli.awaitExit(Duration.ofMinutes(2))).as(cli.output()).isEqualTo(2);
        assertThat(cli.output()).contains("127.0.0.1:9");
        assertThat(client.resources(Run.class).inNamespace(NAMESPACE).withName("no-s3-here").get()).as("no Run created").isNull();
    }

    @Test
    void withoutAnOperatorTheCliSaysSoWithin30Seconds() throws Exception {
        scaleOperator(0);
        try {
            FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, environment(), work, "run", "--with", "kubernetes",
                    "--run-name", "nobody-home");
            assertThat(cli.awaitExit(Duration.ofSeconds(90))).as(cli.output()).isEqualTo(2);
            assertThat(cli.output()).contains("No Stratoflow operator picked up Run default/nobody-home within 30 s");
            assertThat(client.resources(Run.class).inNamespace(NAMESPACE).withName("nobody-home").get()).as("the Run deleted").isNull();
        } finally {
            scaleOperator(1);
        }
    }

    /**
     * Scales the chart's operator Deployment and waits until that many operator Pods are ready (and no other is left) and,
     * with one, until its health port answers here again through dev/cluster's port forwarding, which follows the new Pod.
     */
    private static void scaleOperator(int replicas) {
        client.apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName(OPERATOR_DEPLOYMENT).scale(replicas);
        Awaitility.await("operator Pods: " + replicas).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<Pod> pods = client.pods().inNamespace(OPERATOR_NAMESPACE).withLabel("app.kubernetes.io/name", "stratoflow").list().getItems();
            return pods.size() == replicas && pods.stream().allMatch(p -> p.getStatus() != null && p.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
        });
        if (replicas > 0) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (18080 + PORT_OFFSET) + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            Awaitility.await("the operator's forwarded health port").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }
    }

    @Test
    void aMixedRunRunsKubernetesStepsInPodsAndTheOthersHereWithTheLocalRunsArtifacts() throws Exception {
        String data = ControlPlane.projectDir().resolve("examples/data").toString();
        FlowCliProcess cli = FlowCliProcess.start(HybridCloudFlow.class, environment(), work, "run", "--dataDir", data,
                "--run-name", "hybrid-mixed");
        assertThat(cli.awaitExit(Duration.ofMinutes(8))).as(cli.output()).isZero();
        assertThat(client.resources(Run.class).inNamespace(NAMESPACE).withName("hybrid-mixed").get().getStatus().phase).isEqualTo("Succeeded");
        assertThat(Runs.pods(client, NAMESPACE, "hybrid-mixed", "start")).as("start ran on this machine").isEmpty();
        assertThat(Runs.pods(client, NAMESPACE, "hybrid-mixed", "end")).as("end ran on this machine").isEmpty();
        assertThat(nodesOf("hybrid-mixed", "prepare-data")).containsOnly("exec-onprem");
        assertThat(nodesOf("hybrid-mixed", "train")).containsOnly("exec-gpu");
        assertThat(nodesOf("hybrid-mixed", "join")).containsOnly("exec-highmem");
        assertThat(cli.output()).contains("[hybrid-mixed/end/0]");

        RunOutcome local = LocalRuns.run(HybridCloudFlow.class, Map.of("dataDir", data), work.resolve("local-hybrid"));
        io.stratoflow.definition.FlowDefinition flow = io.stratoflow.e2e.support.ClusterFlows.definition(HybridCloudFlow.class);
        try (Datastore cluster = devDatastore()) {
            assertThat(LocalRuns.artifacts(cluster, flow, "hybrid-mixed"))
                    .isEqualTo(LocalRuns.artifacts(new Datastore(work.resolve("local-hybrid")), flow, local.runId()));
        }
    }

    private static String phase(String run) {
        Run found = client.resources(Run.class).inNamespace(NAMESPACE).withName(run).get();
        return found == null || found.getStatus() == null ? null : found.getStatus().phase;
    }

    /** Runs a short CLI command of ScalableFlow and returns its output; it must exit 0. */
    private static String cli(Map<String, String> environment, String... args) throws InterruptedException {
        FlowCliProcess process = FlowCliProcess.start(ScalableFlow.class, environment, work, args);
        assertThat(process.awaitExit(Duration.ofMinutes(1))).as(process.output()).isZero();
        return process.output();
    }

    private static Map<String, String> as(String user) {
        Map<String, String> environment = new java.util.HashMap<>(environment());
        environment.put("USER", user);
        return environment;
    }

    /** What `dev/cluster env` gives a shell: the kube context and the S3 server's keys. */
    private static Properties builtImages() throws IOException {
        Properties images = new Properties();
        try (Reader in = Files.newBufferedReader(ControlPlane.projectDir().resolve("images/target/images/images.properties"))) {
            images.load(in);
        }
        return images;
    }

    private static Map<String, String> environment() {
        return Map.of("KUBECONFIG", stack.kubeconfig().toString(), "AWS_ACCESS_KEY_ID", "stratoflow-dev",
                "AWS_SECRET_ACCESS_KEY", "stratoflow-dev-secret", "AWS_REGION", "us-east-1");
    }

    private static List<Path> exampleFlows() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.examples())) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("compute-pools.yaml"))
                    .sorted().toList();
        }
    }

    private static Datastore devDatastore() {
        DatastoreLocation location = new DatastoreLocation("s3://stratoflow/dev", "http://" + stack.hostAddress() + ":" + (17070 + PORT_OFFSET),
                "us-east-1", true);
        return Datastore.open(location, S3Settings.defaults().withCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("stratoflow-dev", "stratoflow-dev-secret"))));
    }

    private static List<String> nodesOf(String run, String step) {
        List<Pod> pods = Runs.pods(client, NAMESPACE, run, step);
        assertThat(pods).as(run + "/" + step + " Pods").isNotEmpty();
        return pods.stream().map(p -> p.getSpec().getNodeName()).distinct().toList();
    }

    private static String bestOfScalableFlow() {
        return best("ScalableFlow", "scalable-flow-1");
    }

    /** Reads {@code best} of a run's end task where dev/cluster keeps SDK tasks' data: its S3 server, with the keys it prints. */
    private static String best(String flow, String run) {
        try (Datastore datastore = devDatastore()) {
            TaskRecord end = datastore.runs().readTask(flow, run, "end", "0").orElseThrow(
                    () -> new AssertionError(flow + "/" + run + "'s end task left no record in " + datastore.location().describe()));
            return (String) datastore.artifacts().read("best", end.artifacts().get("best"), String.class);
        }
    }
}
