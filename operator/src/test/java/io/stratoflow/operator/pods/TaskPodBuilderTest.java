package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolSpec;
import io.stratoflow.model.ContainerSpec;
import io.stratoflow.model.FlowReference;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import io.stratoflow.model.StepSpec;
import io.stratoflow.model.TaskRunnerSpec;
import org.junit.jupiter.api.Test;

import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.operator.flow.ClusterTaskSpecs;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The Pod of a task attempt as a pure function of run, step, task and pool; no cluster involved. */
class TaskPodBuilderTest {

    final TaskPodBuilder builder = new TaskPodBuilder(new TaskPodDefaults("stratoflow/task-runner:test", "stratoflow-task", "datastore-credentials"));

    static final DatastoreLocation DATASTORE = new DatastoreLocation("s3://bucket/stratoflow", "http://s3.local:9000", null, true);

    static Run run() {
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName("train-run").withNamespace("ml").withUid("uid-1").build());
        run.setSpec(new RunSpec());
        run.getSpec().flowRef = new FlowReference("TrainFlow");
        run.getSpec().parameters.put("alpha", "0.5");
        return run;
    }

    static FlowResourceSpec flow() {
        FlowResourceSpec flow = new FlowResourceSpec();
        flow.runner = new TaskRunnerSpec();
        flow.runner.image = "registry.example/train:1";
        flow.runner.flowClass = "com.example.TrainFlow";
        flow.runner.flowName = "TrainFlow";
        flow.runner.codePackage = "pkg-1";
        flow.runner.datastore = "s3://bucket/stratoflow";
        return flow;
    }

    static StepSpec gpuStep() {
        StepSpec step = new StepSpec();
        step.name = "train_model";
        step.next = List.of("join");
        step.resources = new ResourceRequest("2", "16000M", 1, "10Gi");
        step.placement = new PlacementSpec();
        step.placement.computePool = "gpu-pool";
        step.placement.nodeSelector = new LinkedHashMap<>(Map.of("outerbounds.co/provider", "azure"));
        step.placement.tolerations = List.of(new Toleration("NoSchedule", "outerbounds.co/provider", "Equal", null, "azure"));
        step.timeoutSeconds = 600L;
        return step;
    }

    static ComputePool gpuPool() {
        ComputePool pool = new ComputePool();
        pool.setMetadata(new ObjectMetaBuilder().withName("gpu-pool").build());
        pool.setSpec(new ComputePoolSpec());
        pool.getSpec().maxTaskResources = new PoolResources("64", "512Gi", 8);
        pool.getSpec().nodeSelector = new LinkedHashMap<>(Map.of("stratoflow.io/node-group", "gpu"));
        pool.getSpec().tolerations = List.of(new Toleration("NoSchedule", "nvidia.com/gpu", "Exists", null, null));
        return pool;
    }

    /** The Pod of a task of {@link #run()}, which is not resumed: its tasks get the Run's own parameters. */
    Pod build(StepSpec step, TaskKey task, int attempt, TaskInputs inputs, ComputePool pool, DatastoreLocation datastore) {
        Run run = run();
        TaskSpec spec = ClusterTaskSpecs.of(run, flow(), step, new Action.StartTask(task, attempt, inputs), run.getSpec().parameters, datastore);
        return builder.build(run, flow(), step, task, spec, TaskResources.of(step, null), pool);
    }

    static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void aForeachSplitsPodInAGpuPool() {
        StepSpec step = gpuStep();
        TaskKey task = new TaskKey("train_model", IndexPath.of(7));
        Pod pod = build(step, task, 2, new TaskInputs.Parents(List.of(TaskKey.root("start"))), gpuPool(), DATASTORE);

        assertThat(pod.getMetadata().getName()).isEqualTo("train-run-train-model-7-2").isEqualTo(TaskPodNames.podName("train-run", task, 2));
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("ml");
        assertThat(pod.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                TaskPodNames.FLOW_LABEL, "trainflow",
                TaskPodNames.RUN_LABEL, "train-run",
                TaskPodNames.STEP_LABEL, "train-model",
                TaskPodNames.TASK_LABEL, "7",
                TaskPodNames.POOL_LABEL, "gpu-pool"));
        assertThat(pod.getMetadata().getAnnotations()).containsEntry(TaskPodNames.STEP_ANNOTATION, "train_model")
                .containsEntry(TaskPodNames.TASK_ANNOTATION, "7").containsEntry(TaskPodNames.ATTEMPT_ANNOTATION, "2");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getUid()).isEqualTo("uid-1");
            assertThat(owner.getController()).isTrue();
            assertThat(owner.getBlockOwnerDeletion()).isTrue();
        });

        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("stratoflow-task");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getNodeSelector()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "stratoflow.io/node-group", "gpu", "outerbounds.co/provider", "azure"));
        assertThat(pod.getSpec().getTolerations()).extracting(Toleration::getKey)
                .containsExactly("nvidia.com/gpu", "outerbounds.co/provider");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        Container container = pod.getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example/train:1");
        assertThat(container.getCommand()).isEqualTo(TaskPodBuilder.TASK_RUNNER_COMMAND);
        Map<String, Quantity> amounts = Map.of("cpu", new Quantity("2"), "memory", new Quantity("16000M"),
                "nvidia.com/gpu", new Quantity("1"), "ephemeral-storage", new Quantity("10Gi"));
        assertThat(container.getResources().getRequests()).isEqualTo(amounts);
        assertThat(container.getResources().getLimits()).isEqualTo(amounts);
        assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(env(container)).containsOnlyKeys(TaskSpecCodec.ENVIRONMENT_VARIABLE);
        TaskSpec spec = TaskSpecCodec.decode(env(container).get(TaskSpecCodec.ENVIRONMENT_VARIABLE));
        assertThat(spec).isEqualTo(new TaskSpec("TrainFlow", "com.example.TrainFlow", "train-run", "train_model", "7", 2,
                List.of(new TaskSpec.TaskRef("start", "0")), null, Map.of("alpha", "0.5"), DATASTORE, "pkg-1"));
        assertThat(container.getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("datastore-credentials"));
    }

    @Test
    void aPlainContainerGetsTheTaskAsSimpleVariablesAndNoCredentials() {
        StepSpec step = gpuStep();
        step.container = new ContainerSpec();
        step.container.image = "busybox:1.36";
        step.container.command = List.of("sh", "-c", "echo $STRATOFLOW_FOREACH_INDEX");
        Pod pod = build(step, new TaskKey("train_model", IndexPath.of(7)), 2, new TaskInputs.Parents(List.of(TaskKey.root("start"))),
                gpuPool(), DATASTORE);
        Container container = pod.getSpec().getContainers().get(0);
        assertThat(env(container)).containsEntry("STRATOFLOW_STEP", "train_model")
                .containsEntry("STRATOFLOW_TASK_ID", "7")
                .containsEntry("STRATOFLOW_ATTEMPT", "2")
                .containsEntry("STRATOFLOW_FOREACH_INDEX", "7")
                .containsEntry("STRATOFLOW_RUN", "train-run")
                .containsEntry("STRATOFLOW_INPUTS", "{\"parents\":[{\"step\":\"start\",\"taskId\":\"0\"}]}")
                .doesNotContainKey(TaskSpecCodec.ENVIRONMENT_VARIABLE);
        assertThat(container.getEnvFrom()).isEmpty();
    }

    @Test
    void aStepOutsideAnyPoolHasNoNodeSelectorAndNoPoolLabel() {
        StepSpec step = new StepSpec();
        step.name = "start";
        step.next = List.of("end");
        Pod pod = build(step, TaskKey.root("start"), 0, new TaskInputs.None(), null, DATASTORE);
        assertThat(pod.getSpec().getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getSpec().getTolerations()).isEmpty();
        assertThat(pod.getSpec().getActiveDeadlineSeconds()).isNull();
        assertThat(pod.getMetadata().getLabels()).doesNotContainKey(TaskPodNames.POOL_LABEL);
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example/train:1");
    }

    @Test
    void aPlainContainerStepRunsItsOwnImageAndCommand() {
        StepSpec step = new StepSpec();
        step.name = "start";
        step.next = List.of("end");
        step.container = new ContainerSpec();
        step.container.image = "busybox:1.36";
        step.container.command = List.of("sh", "-c");
        step.container.args = List.of("echo '{\"splits\": 3}' > /dev/termination-log");
        step.container.env = List.of(new EnvVar("MODE", "fast", null));
        Pod pod = build(step, TaskKey.root("start"), 0, new TaskInputs.None(), null, null);
        Container container = pod.getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("busybox:1.36");
        assertThat(container.getCommand()).containsExactly("sh", "-c");
        assertThat(container.getArgs()).containsExactly("echo '{\"splits\": 3}' > /dev/termination-log");
        assertThat(env(container)).containsEntry("MODE", "fast").containsEntry("STRATOFLOW_STEP", "start");
    }

    @Test
    void aForeachJoinNamesItsBranchesByRangeNotOneByOne() {
        StepSpec step = new StepSpec();
        step.name = "join";
        step.join = true;
        step.next = List.of("end");
        Pod pod = build(step, TaskKey.root("join"), 0, new TaskInputs.ForeachBranches("train", IndexPath.ROOT, 10_000), null, DATASTORE);
        String encoded = env(pod.getSpec().getContainers().get(0)).get(TaskSpecCodec.ENVIRONMENT_VARIABLE);
        assertThat(encoded).hasSizeLessThan(600);
        assertThat(TaskSpecCodec.decode(encoded).branches()).isEqualTo(new TaskSpec.Branches("train", "", 10_000));
    }

    @Test
    void longNamesStayValidAndDistinct() {
        String run = "a-very-long-run-name-that-goes-on-and-on-and-on";
        TaskKey a = new TaskKey("a_really_long_step_name", IndexPath.of(1, 2));
        TaskKey b = new TaskKey("a_really_long_step_name", IndexPath.of(1, 3));
        String nameA = TaskPodNames.podName(run, a, 0);
        String nameB = TaskPodNames.podName(run, b, 0);
        assertThat(nameA).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(nameB).hasSizeLessThanOrEqualTo(63).isNotEqualTo(nameA);
        assertThat(TaskPodNames.podName(run, a, 0)).isEqualTo(nameA);
        assertThat(TaskPodNames.podName(run, a, 1)).isNotEqualTo(nameA);
    }
}
