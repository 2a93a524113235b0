package io.stratoflow.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolSpec;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowReference;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.pods.TaskPodNames;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Resources for the operator tests, and a stand-in for the kubelet: the mock server runs no
 * Pods, so a test finishes a task by writing the Pod status a kubelet would write.
 */
public final class Fixtures {

    private Fixtures() {
    }

    // ---- Flows ----------------------------------------------------------------------------

    public static StepSpec step(String name, String... next) {
        StepSpec step = new StepSpec();
        step.name = name;
        step.next = new ArrayList<>(List.of(next));
        return step;
    }

    public static StepSpec foreach(String name, String field, String next) {
        StepSpec step = step(name, next);
        step.foreach = field;
        return step;
    }

    public static StepSpec join(String name, String next) {
        StepSpec step = step(name, next);
        step.join = true;
        return step;
    }

    public static StepSpec resources(StepSpec step, String cpu, String memory, Integer gpu, String disk) {
        step.resources = new ResourceRequest(cpu, memory, gpu, disk);
        return step;
    }

    public static StepSpec inPool(StepSpec step, String pool) {
        if (step.placement == null) {
            step.placement = new PlacementSpec();
        }
        step.placement.computePool = pool;
        return step;
    }

    /** start (foreach over items) -> train -> join -> end, with {@code train} customized. */
    public static List<StepSpec> foreachSteps(UnaryOperator<StepSpec> eachStep) {
        return List.of(
                eachStep.apply(foreach("start", "items", "train")),
                eachStep.apply(step("train", "join")),
                eachStep.apply(join("join", "end")),
                eachStep.apply(step("end")));
    }

    public static Flow flow(String namespace, String name, List<StepSpec> steps) {
        Flow flow = new Flow();
        flow.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        FlowResourceSpec spec = new FlowResourceSpec();
        spec.steps = new ArrayList<>(steps);
        // Steps without a container run through the task runner; the operator's datastore is the test profile's.
        spec.runner = new io.stratoflow.model.TaskRunnerSpec();
        spec.runner.flowClass = "com.example." + name.replace("-", "_");
        flow.setSpec(spec);
        return flow;
    }

    public static Run run(String namespace, String name, String flow) {
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        RunSpec spec = new RunSpec();
        spec.flowRef = new FlowReference(flow);
        run.setSpec(spec);
        return run;
    }

    public static ComputePool pool(String name, PoolResources maxTaskResources) {
        ComputePool pool = new ComputePool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ComputePoolSpec spec = new ComputePoolSpec();
        spec.maxTaskResources = maxTaskResources;
        pool.setSpec(spec);
        return pool;
    }

    public static Toleration toleration(String key, String operator, String value, String effect) {
        return new Toleration(effect, key, operator, null, value);
    }

    // ---- Reading what the operator did ------------------------------------------------------

    public static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).pollDelay(Duration.ZERO);
    }

    public static Run getRun(KubernetesClient client, String namespace, String name) {
        return client.resources(Run.class).inNamespace(namespace).withName(name).get();
    }

    public static Flow getFlow(KubernetesClient client, String namespace, String name) {
        return client.resources(Flow.class).inNamespace(namespace).withName(name).get();
    }

    public static String phase(KubernetesClient client, String namespace, String run) {
        Run r = getRun(client, namespace, run);
        return r == null || r.getStatus() == null ? null : r.getStatus().phase;
    }

    public static Optional<Condition> condition(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** Every Pod of a Run (by its label), sorted by name. */
    public static List<Pod> pods(KubernetesClient client, String namespace, String run) {
        return client.pods().inNamespace(namespace).withLabel(TaskPodNames.RUN_LABEL, run).list().getItems().stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    public static List<Pod> pods(KubernetesClient client, String namespace, String run, String step) {
        return pods(client, namespace, run).stream().filter(p -> step.equals(p.getMetadata().getLabels().get(TaskPodNames.STEP_LABEL))).toList();
    }

    public static boolean live(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    public static List<Pod> livePods(KubernetesClient client, String namespace, String run, String step) {
        return pods(client, namespace, run, step).stream().filter(Fixtures::live).toList();
    }

    public static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    /** Waits for exactly one live Pod of the step and returns it. */
    public static Pod awaitLivePod(KubernetesClient client, String namespace, String run, String step) {
        return eventually().until(() -> livePods(client, namespace, run, step), l -> l.size() == 1).get(0);
    }

    // ---- The kubelet -------------------------------------------------------------------------

    public static void succeed(KubernetesClient client, Pod pod) {
        succeed(client, pod, null);
    }

    /** The Pod's container exited 0, having written {@code message} to its termination log. */
    public static void succeed(KubernetesClient client, Pod pod, String message) {
        finish(client, pod, "Succeeded", 0, "Completed", message);
    }

    public static void fail(KubernetesClient client, Pod pod, int exitCode, String reason, String message) {
        finish(client, pod, "Failed", exitCode, reason, message);
    }

    private static void finish(KubernetesClient client, Pod pod, String phase, int exitCode, String reason, String message) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .editStatus(p -> new PodBuilder(p).withNewStatus()
                        .withPhase(phase)
                        .addNewContainerStatus()
                            .withName("task").withReady(false).withRestartCount(0).withImage("img")
                            .withNewState().withNewTerminated()
                                .withExitCode(exitCode).withReason(reason).withMessage(message)
                                .withStartedAt("2025-01-01T00:00:00Z").withFinishedAt("2025-01-01T00:00:01Z")
                            .endTerminated().endState()
                        .endContainerStatus()
                        .endStatus().build());
    }

    public static Map<String, String> map(String... keysAndValues) {
        java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The task description the operator gave a Pod of an SDK step. */
    public static io.stratoflow.task.TaskSpec taskSpec(io.fabric8.kubernetes.api.model.Pod pod) {
        return pod.getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(io.stratoflow.task.TaskSpecCodec.ENVIRONMENT_VARIABLE))
                .map(e -> io.stratoflow.task.TaskSpecCodec.decode(e.getValue())).findFirst()
                .orElseThrow(() -> new AssertionError("Pod " + pod.getMetadata().getName() + " carries no task description"));
    }
}
