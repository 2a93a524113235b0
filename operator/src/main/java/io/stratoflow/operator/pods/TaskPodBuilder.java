package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Pod of one task attempt, as a pure function of the run, the step, the task and its pool:
 * requests and limits from the step's resources, node selector and tolerations from the pool and
 * the step, the task's context in environment variables, owned by the Run.
 */
public final class TaskPodBuilder {

    /** Runs an SDK step inside a task-runner image. */
    public static final List<String> SDK_COMMAND = List.of("java", "-cp", "/app/lib/*", "io.stratoflow.runtime.worker.PodTaskMain");
    public static final String CONTAINER_NAME = "task";

    private final TaskPodDefaults defaults;

    public TaskPodBuilder(TaskPodDefaults defaults) {
        this.defaults = defaults;
    }

    public Pod build(Run run, FlowResourceSpec flow, StepSpec step, TaskKey task, int attempt, TaskInputs inputs,
                     TaskResources resources, ComputePool pool) {
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
                    .withContainers(container(run, flow, step, task, attempt, inputs, resources))
                .endSpec()
                .build();
    }

    private Container container(Run run, FlowResourceSpec flow, StepSpec step, TaskKey task, int attempt, TaskInputs inputs,
                                TaskResources resources) {
        boolean plainContainer = step.container != null && (!step.container.command.isEmpty() || step.container.image != null);
        String image = step.container != null && step.container.image != null ? step.container.image
                : flow.runner != null && flow.runner.image != null ? flow.runner.image : defaults.image();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("STRATOFLOW_FLOW", run.getSpec().flowRef.name, null));
        env.add(new EnvVar("STRATOFLOW_RUN", run.getMetadata().getName(), null));
        env.add(new EnvVar("STRATOFLOW_STEP", step.name, null));
        env.add(new EnvVar("STRATOFLOW_TASK_ID", task.taskId(), null));
        env.add(new EnvVar("STRATOFLOW_ATTEMPT", Integer.toString(attempt), null));
        env.add(new EnvVar("STRATOFLOW_INPUTS", describe(inputs), null));
        if (task.path().depth() > 0) {
            env.add(new EnvVar("STRATOFLOW_FOREACH_INDEX", Integer.toString(task.path().last()), null));
        }
        if (flow.runner != null && flow.runner.flowClass != null) {
            env.add(new EnvVar("STRATOFLOW_FLOW_CLASS", flow.runner.flowClass, null));
        }
        if (flow.runner != null && flow.runner.datastore != null) {
            env.add(new EnvVar("STRATOFLOW_DATASTORE", flow.runner.datastore, null));
        }
        if (!run.getSpec().parameters.isEmpty()) {
            env.add(new EnvVar("STRATOFLOW_PARAMETERS", parameters(run.getSpec().parameters), null));
        }
        if (step.container != null) {
            env.addAll(step.container.env);
        }
        Map<String, io.fabric8.kubernetes.api.model.Quantity> amounts = resources.asMap();
        return new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(image)
                .withCommand(plainContainer ? step.container.command : SDK_COMMAND)
                .withArgs(plainContainer ? step.container.args : List.of())
                .withEnv(env)
                .withNewResources().withRequests(amounts).withLimits(amounts).endResources()
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    /** The tasks a step starts from, compactly: a foreach join names its branches by range, not one by one. */
    static String describe(TaskInputs inputs) {
        if (inputs instanceof TaskInputs.Parents parents) {
            return parents.tasks().stream().map(TaskKey::toString).collect(Collectors.joining(",", "{\"parents\":\"", "\"}"));
        }
        if (inputs instanceof TaskInputs.ForeachBranches branches) {
            return "{\"branches\":{\"step\":\"" + branches.step() + "\",\"prefix\":\"" + branches.prefix() + "\",\"count\":" + branches.count() + "}}";
        }
        return "{}";
    }

    private static String parameters(Map<String, String> parameters) {
        try {
            return io.stratoflow.datastore.Json.METADATA.writeValueAsString(parameters);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
