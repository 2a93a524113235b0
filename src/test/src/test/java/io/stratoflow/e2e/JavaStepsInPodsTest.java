package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.e2e.flows.BranchingFlow;
import io.stratoflow.e2e.flows.FailuresFlow;
import io.stratoflow.e2e.flows.NestedFanOutFlow;
import io.stratoflow.e2e.flows.TypedArtifactsFlow;
import io.stratoflow.e2e.support.ClusterFlows;
import io.stratoflow.e2e.support.LocalRuns;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.examples.BigSum;
import io.stratoflow.examples.CrossCloudFlow;
import io.stratoflow.examples.ScalableFlow;
import io.stratoflow.model.Flow;
import io.stratoflow.model.ResumeSpec;
import io.stratoflow.model.Run;
import io.stratoflow.runtime.RunOutcome;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User code through the cluster path: Java steps run by the task runner in Pods on the executing
 * node, their code fetched from a code package and their artifacts and logs kept in S3, driven by
 * the operator as the chart's ServiceAccount.
 */
@ExtendWith(StratoflowCluster.class)
class JavaStepsInPodsTest {

    private static final String NAMESPACE = "java-steps";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    private final KubernetesClient client = StratoflowCluster.client();
    private final Datastore cluster = StratoflowCluster.datastore();

    @TempDir
    Path local;

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void scalableFlowRunsItsJavaStepsInPodsAndKeepsTheBestModelOfALocalRun() {
        Map<String, Object> parameters = Map.of("countries", List.of("US", "BR", "DE"), "rounds", 2_000);
        Run run = runOnCluster(ScalableFlow.class, "scalable-1", parameters, "Succeeded");
        assertThat(run.getStatus().progress).isEqualTo("6/6");
        assertThat(Runs.pods(client, NAMESPACE, "scalable-1", "train")).hasSize(3)
                .allSatisfy(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("exec-1"));

        RunOutcome here = LocalRuns.run(ScalableFlow.class, parameters, local);
        FlowDefinition flow = ClusterFlows.definition(ScalableFlow.class);
        String clusterBest = artifact(cluster, flow, "scalable-1", "end", "best", String.class);
        String localBest = artifact(new Datastore(local), flow, here.runId(), "end", "best", String.class);
        assertThat(clusterBest).isIn("US", "BR", "DE").isEqualTo(localBest);
        assertThat(log(cluster, flow, "scalable-1", "end")).contains("Best model: " + clusterBest);
    }

    @Test
    void everyArtifactOfAClusterRunIsByteIdenticalToTheLocalRunsOfTheSameFlows() {
        assertParity(CrossCloudFlow.class, "cross-cloud-1", Map.of());
        assertParity(BigSum.class, "big-sum-1", Map.of("size", 40));
        assertParity(BranchingFlow.class, "branching-1", Map.of());
        assertParity(NestedFanOutFlow.class, "nested-1", Map.of());
        assertParity(TypedArtifactsFlow.class, "typed-1", Map.of("scale", 7));
    }

    @Test
    void aStepThatThrowsFailsTheRunWithTheExceptionsTypeAndMessage() {
        Run failed = runOnCluster(FailuresFlow.class, "throws-1", Map.of("mode", "throw"), "Failed");
        assertThat(failed.getStatus().message).contains("prepare").contains("java.lang.IllegalStateException")
                .contains("the input table is empty");
        assertThat(failed.getStatus().conditions).anySatisfy(c -> assertThat(c.getMessage())
                .contains("java.lang.IllegalStateException: the input table is empty"));
        assertThat(events("throws-1")).anySatisfy(e -> assertThat(e.getMessage()).contains("the input table is empty"));
        TaskRecord record = cluster.runs().readTask("FailuresFlow", "throws-1", "prepare", "0").orElseThrow();
        assertThat(record.failure().exceptionType()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void aStepBeyondItsMemoryIsReportedAsOutOfMemoryWithAdvice() {
        Run failed = runOnCluster(FailuresFlow.class, "hungry-1", Map.of("mode", "memory"), "Failed");
        assertThat(failed.getStatus().message).contains("prepare").contains("out of memory").contains("@Resources(memory)");
    }

    @Test
    void caughtFailuresAndResumeWorkOnTheCluster() {
        Map<String, Object> parameters = Map.of("failInRun", "resumable-1");
        runOnCluster(FailuresFlow.class, "resumable-1", parameters, "Failed");

        // No parameters: a resumed Run runs with its origin's, as a local resume does.
        Run resumed = ClusterFlows.run(FailuresFlow.class, "resumable-2", Map.of());
        resumed.getSpec().resume = new ResumeSpec();
        resumed.getSpec().resume.originRun = "resumable-1";
        client.resource(resumed).inNamespace(NAMESPACE).create();
        Runs.awaitPhase(client, NAMESPACE, "resumable-2", "Succeeded", RUN_TIMEOUT);

        assertThat(Runs.pods(client, NAMESPACE, "resumable-2", "start")).as("start is cloned, not run again").isEmpty();
        assertThat(Runs.pods(client, NAMESPACE, "resumable-2", "prepare")).hasSize(1);
        FlowDefinition flow = ClusterFlows.definition(FailuresFlow.class);
        TaskRecord start = cluster.runs().readTask("FailuresFlow", "resumable-2", "start", "0").orElseThrow();
        assertThat(start.status()).isEqualTo(TaskRecord.CLONED);
        assertThat(artifact(cluster, flow, "resumable-2", "start", "prepared", String.class)).isEqualTo("started");

        TaskRecord risky = cluster.runs().readTask("FailuresFlow", "resumable-2", "risky", "0").orElseThrow();
        assertThat(risky.status()).isEqualTo(TaskRecord.CAUGHT);
        TaskFailure caught = artifact(cluster, flow, "resumable-2", "risky", "problem", TaskFailure.class);
        assertThat(caught.exceptionType()).isEqualTo("java.lang.UnsupportedOperationException");
        assertThat(caught.message()).isEqualTo("risky always fails");
        assertThat(artifact(cluster, flow, "resumable-2", "end", "outcome", String.class))
                .isEqualTo("started, prepared in resumable-2; caught java.lang.UnsupportedOperationException");
    }

    @Test
    void aCodePackageMissingFromTheStoreIsNamedOnTheRun() {
        Flow flow = ClusterFlows.export(BranchingFlow.class, cluster);
        flow.getMetadata().setName("no-package");
        flow.getSpec().runner.codePackage = "0".repeat(64);
        client.resource(flow).inNamespace(NAMESPACE).create();
        Run run = ClusterFlows.run(BranchingFlow.class, "no-package-1", Map.of());
        run.getSpec().flowRef.name = "no-package";
        client.resource(run).inNamespace(NAMESPACE).create();
        Run failed = Runs.awaitPhase(client, NAMESPACE, "no-package-1", "Failed", RUN_TIMEOUT);
        assertThat(failed.getStatus().message).contains("code package " + "0".repeat(12)).contains("s3://");
    }

    @Test
    void anImageThatCannotBePulledIsReportedWithItsWaitingReason() {
        Flow flow = ClusterFlows.export(BranchingFlow.class, cluster);
        flow.getMetadata().setName("bad-image");
        flow.getSpec().runner.image = "registry.invalid/nothing:1";
        client.resource(flow).inNamespace(NAMESPACE).create();
        Run run = ClusterFlows.run(BranchingFlow.class, "bad-image-1", Map.of());
        run.getSpec().flowRef.name = "bad-image";
        client.resource(run).inNamespace(NAMESPACE).create();
        Awaitility.await("the waiting reason on the Run").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Run current = client.resources(Run.class).inNamespace(NAMESPACE).withName("bad-image-1").get();
            assertThat(current.getStatus()).isNotNull();
            assertThat(current.getStatus().conditions).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("ContainersNotStarting");
                assertThat(c.getMessage()).contains("ErrImagePull").contains("registry.invalid/nothing:1");
            });
        });
        Run failed = Runs.awaitPhase(client, NAMESPACE, "bad-image-1", "Failed", RUN_TIMEOUT);
        assertThat(failed.getStatus().message).contains("did not start").containsAnyOf("ErrImagePull", "ImagePullBackOff");
    }

    @Test
    void aDatastoreThePodCannotUseIsNamedOnTheRun() {
        Flow flow = ClusterFlows.export(BranchingFlow.class, cluster);
        flow.getMetadata().setName("no-bucket");
        flow.getSpec().runner.datastore = "s3://no-such-bucket/stratoflow";
        client.resource(flow).inNamespace(NAMESPACE).create();
        Run run = ClusterFlows.run(BranchingFlow.class, "no-bucket-1", Map.of());
        run.getSpec().flowRef.name = "no-bucket";
        client.resource(run).inNamespace(NAMESPACE).create();
        Run failed = Runs.awaitPhase(client, NAMESPACE, "no-bucket-1", "Failed", RUN_TIMEOUT);
        assertThat(failed.getStatus().message).contains("no-such-bucket");
    }

    @Test
    void anS3EndpointThePodCannotReachIsNamedOnTheRunAndNothingStoredIsLost() {
        Flow flow = ClusterFlows.export(BranchingFlow.class, cluster);
        client.resource(flow).inNamespace(NAMESPACE).serverSideApply();
        String packageId = flow.getSpec().runner.codePackage;
        StratoflowCluster.s3().pause();
        try {
            client.resource(ClusterFlows.run(BranchingFlow.class, "no-s3-1", Map.of())).inNamespace(NAMESPACE).create();
            Run failed = Runs.awaitPhase(client, NAMESPACE, "no-s3-1", "Failed", RUN_TIMEOUT);
            assertThat(failed.getStatus().message).contains("Cannot reach the S3 endpoint " + StratoflowCluster.s3().endpoint())
                    .contains("refused");
        } finally {
            StratoflowCluster.s3().resume();
        }
        assertThat(cluster.content().contains(packageId)).as("the code package stored before the outage").isTrue();
    }

    private void assertParity(Class<? extends FlowSpec> type, String runName, Map<String, Object> parameters) {
        runOnCluster(type, runName, parameters, "Succeeded");
        RunOutcome here = LocalRuns.run(type, parameters, local);
        assertThat(here.phase().name()).isEqualTo("SUCCEEDED");
        FlowDefinition flow = ClusterFlows.definition(type);
        Map<String, String> onCluster = LocalRuns.artifacts(cluster, flow, runName);
        Map<String, String> onLaptop = LocalRuns.artifacts(new Datastore(local), flow, here.runId());
        assertThat(onCluster).as("artifacts of %s", flow.name()).isNotEmpty().isEqualTo(onLaptop);
    }

    private Run runOnCluster(Class<? extends FlowSpec> type, String runName, Map<String, Object> parameters, String phase) {
        Flow flow = ClusterFlows.export(type, cluster);
        client.resource(flow).inNamespace(NAMESPACE).serverSideApply();
        client.resource(ClusterFlows.run(type, runName, parameters)).inNamespace(NAMESPACE).create();
        return Runs.awaitPhase(client, NAMESPACE, runName, phase, RUN_TIMEOUT);
    }

    private List<Event> events(String run) {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> run.equals(e.getInvolvedObject().getName())).toList();
    }

    private static <T> T artifact(Datastore datastore, FlowDefinition flow, String runId, String step, String name, Class<T> type) {
        TaskRecord task = datastore.runs().readTask(flow.name(), runId, step, "0").orElseThrow(
                () -> new AssertionError(step + "/0 of " + flow.name() + "/" + runId + " has no record"));
        return type.cast(datastore.artifacts().read(name, task.artifacts().get(name), type));
    }

    private static String log(Datastore datastore, FlowDefinition flow, String runId, String step) {
        try (var in = datastore.runs().openLatestLog(flow.name(), runId, step, "0", "stdout").orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
