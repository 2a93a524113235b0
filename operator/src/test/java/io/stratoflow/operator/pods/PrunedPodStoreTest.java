package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrunedPodStoreTest {

    private static Pod taskPod(String task, String phase, String scheduled) {
        return new PodBuilder()
                .withNewMetadata().withName("run-work-" + task + "-0").withNamespace("ns").withUid("uid-" + task).withResourceVersion("7")
                    .addToLabels(TaskPodNames.RUN_LABEL, "run").addToLabels(TaskPodNames.TASK_LABEL, task)
                    .addToAnnotations(TaskPodNames.TASK_ANNOTATION, task).addToAnnotations("kubectl.kubernetes.io/last-applied", "{...}")
                    .addNewOwnerReference().withApiVersion("stratoflow.io/v1alpha1").withKind("Run").withName("run").withUid("run-uid")
                        .withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("task").withImage("runner")
                    .addNewEnv().withName("STRATOFLOW_STEP").withValue("work").endEnv()
                    .withNewResources().addToRequests("cpu", new Quantity("100m")).addToLimits("cpu", new Quantity("100m")).endResources()
                .endContainer().endSpec()
                .withNewStatus().withPhase(phase)
                    .addNewCondition().withType("PodScheduled").withStatus(scheduled).withReason("Unschedulable").endCondition()
                    .addNewCondition().withType("Ready").withStatus("False").endCondition()
                    .addNewContainerStatus().withName("task").withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
                        .withMessage("{\"splits\": 3}").endTerminated().endState().endContainerStatus()
                .endStatus().build();
    }

    @Test
    void keepsWhatTheOperatorReadsAndDropsTheRest() {
        Pod pruned = PrunedPodStore.prune(taskPod("4", "Succeeded", "True"));

        assertThat(pruned.getMetadata().getName()).isEqualTo("run-work-4-0");
        assertThat(pruned.getMetadata().getLabels()).containsEntry(TaskPodNames.RUN_LABEL, "run").containsEntry(TaskPodNames.TASK_LABEL, "4");
        assertThat(pruned.getMetadata().getAnnotations()).containsOnlyKeys(TaskPodNames.TASK_ANNOTATION);
        assertThat(pruned.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo("run-uid"));
        assertThat(pruned.getSpec().getNodeName()).isEqualTo("node-1");
        assertThat(pruned.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"));
            assertThat(c.getResources().getLimits()).isNullOrEmpty();
            assertThat(c.getEnv()).isNullOrEmpty();
        });
        assertThat(pruned.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(pruned.getStatus().getConditions()).as("a scheduled Pod's conditions are not read").isEmpty();
        assertThat(pruned.getStatus().getContainerStatuses()).singleElement().satisfies(status -> {
            assertThat(status.getState().getTerminated().getMessage()).isEqualTo("{\"splits\": 3}");
            assertThat(status.getState().getTerminated().getExitCode()).isZero();
        });
    }

    @Test
    void keepsTheConditionOfAPodTheSchedulerCouldNotPlace() {
        Pod pruned = PrunedPodStore.prune(taskPod("5", "Pending", "False"));

        assertThat(pruned.getStatus().getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("Unschedulable"));
    }

    @Test
    void podsShareTheirRepeatedLabelsAndQuantities() {
        Pod a = PrunedPodStore.prune(taskPod("1", "Running", "True"));
        Pod b = PrunedPodStore.prune(taskPod("2", "Running", "True"));

        assertThat(a.getMetadata().getLabels().get(TaskPodNames.RUN_LABEL)).isSameAs(b.getMetadata().getLabels().get(TaskPodNames.RUN_LABEL));
        assertThat(a.getSpec().getContainers().get(0).getResources().getRequests().get("cpu"))
                .isSameAs(b.getSpec().getContainers().get(0).getResources().getRequests().get("cpu"));
    }
}
