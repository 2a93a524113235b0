package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.task.TaskEnvironment;
import io.stratoflow.task.TaskSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pod of one task attempt, as a pure function of the run, the step, the task and its pool:
 * requests and limits from the step's resources, node selector and tolerations from the pool and
 * the step, the task's context in environment variables, owned by the Run.
 */
public final class TaskPodBuilder {

    /** Runs an SDK step: the task runner's launcher, on the PATH of every task-runner image. */
    public static final List<String> TASK_RUNNER_COMMAND = List.of("stratoflow-task");
    public static final String CONTAINER_NAME = "task";

    private final TaskPodDefaults defaults;

    public TaskPodBuilder(TaskPodDefaults defaults) {
        this.defaults = defaults;
    }

    /**
     * @param spec the task's description ({@link io.stratoflow.operator.flow.ClusterTaskSpecs}), which its container reads
     * @param pool the pool the task goes to; null for none
     */
    public Pod build(Run run, FlowResourceSpec flow, StepSpec step, TaskKey task, TaskSpec spec, TaskResources resources, ComputePool pool) {
        int attempt = spec.attempt();
        String runName = run.getMetadata().getName();
        String flowName = run.getSpec().flowRef.name;
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        if (step.podMetadata != null) {
            labels.putAll(step.podMetadata.labels);
            annotations.putAll(step.podMetadata.annotations);
        }
        annotations.put(TaskPodNames.STEP_ANNOTATION, step.name);
        annotations.put(TaskPodNames.TASK_ANNOTATION, task.taskId());
        annotations.put(TaskPodNames.ATTEMPT_ANNOTATION, Integer.toString(attempt));
        labels.put(TaskPodNames.FLOW_LABEL, TaskPodNames.labelValue(flowName));
        labels.put(TaskPodNames.RUN_LABEL, runName);
        labels.put(TaskPodNames.STEP_LABEL, TaskPodNames.labelValue(step.name));
        labels.put(TaskPodNames.TASK_LABEL, task.taskId().replace('.', '-'));
        if (pool != null) {
            labels.put(TaskPodNames.POOL_LABEL, pool.getMetadata().getName());
        }
        Map<String, String> nodeSelector = new LinkedHashMap<>();
        List<Toleration> tolerations = new ArrayList<>();
        if (pool != null) {
            nodeSelector.putAll(pool.getSpec().nodeSelector);
            tolerations.addAll(pool.getSpec().tolerations);
        }
        if (step.placement != null) {
            nodeSelector.putAll(step.placement.nodeSelector);
            tolerations.addAll(step.placement.tolerations);
        }
        return new PodBuilder()
                .withNewMetadata()
                    .withName(TaskPodNames.podName(runName, task, attempt))
                    .withNamespace(run.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withAnnotations(annotations)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(run.getApiVersion())
                            .withKind(run.getKind())
                            .withName(runName)
                            .withUid(run.getMetadata().getUid())
                            .withController(true)
                            .withBlockOwnerDeletion(true)
                            .build())
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .withServiceAccountName(defaults.serviceAccount())
                    .withAutomountServiceAccountToken(false)
                    .withActiveDeadlineSeconds(step.timeoutSeconds)
                    .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
                    .withTolerations(tolerations)
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(1000L)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .withContainers(container(flow, step, task, spec, resources))
                .endSpec()
                .build();
    }

    private Container container(FlowResourceSpec flow, StepSpec step, TaskKey task, TaskSpec spec, TaskResources resources) {
        boolean taskRunner = FlowGraphs.runsTaskRunner(step);
        String image = step.container != null && step.container.image != null ? step.container.image
                : flow.runner != null && flow.runner.image != null ? flow.runner.image : defaults.image();
        Map<String, String> contract = taskRunner ? TaskEnvironment.forTaskRunner(spec) : TaskEnvironment.forPlainContainer(spec, task);
        List<EnvVar> env = new ArrayList<>();
        contract.forEach((name, value) -> env.add(new EnvVar(name, value, null)));
        if (step.container != null) {
            env.addAll(step.container.env);
        }
        List<EnvFromSource> envFrom = new ArrayList<>();
        if (taskRunner && defaults.credentialsSecret() != null) {
            envFrom.add(new EnvFromSourceBuilder().withNewSecretRef().withName(defaults.credentialsSecret()).endSecretRef().build());
        }
        Map<String, io.fabric8.kubernetes.api.model.Quantity> amounts = resources.asMap();
        return new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(image)
                .withCommand(taskRunner ? TASK_RUNNER_COMMAND : step.container.command)
                .withArgs(taskRunner ? List.of() : step.container.args)
                .withEnv(env)
                .withEnvFrom(envFrom)
                .withNewResources().withRequests(amounts).withLimits(amounts).endResources()
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }
}
