package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Pod events start a pass of their Run: an end, a Pod that does not start or stops being so, a Pod lost before it succeeded. */
class TaskPodEventsTest {

    static Pod pod(String phase) {
        return new PodBuilder().withNewMetadata().withName("run-train-0-a0").endMetadata().withNewStatus().withPhase(phase).endStatus().build();
    }

    static Pod unschedulable() {
        return new PodBuilder(pod("Pending")).editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available").endCondition().endStatus().build();
    }

    static Pod imageNotPulled() {
        return new PodBuilder(pod("Pending")).editStatus().addNewContainerStatus().withName("task").withNewState().withNewWaiting()
                .withReason("ImagePullBackOff").endWaiting().endState().endContainerStatus().endStatus().build();
    }

    @Test
    void aPodTheOperatorJustCreatedStartsNoPassButOneFoundEndedDoes() {
        assertThat(TaskPodEvents.added(new PodBuilder().withNewMetadata().withName("new").endMetadata().build())).isFalse();
        assertThat(TaskPodEvents.added(pod("Pending"))).isFalse();
        assertThat(TaskPodEvents.added(pod("Succeeded"))).isTrue();
        assertThat(TaskPodEvents.added(pod("Failed"))).isTrue();
        assertThat(TaskPodEvents.added(unschedulable())).isTrue();
    }

    @Test
    void bindingAndRunningStartNoPassEndingAndNotStartingDo() {
        assertThat(TaskPodEvents.updated(pod("Pending"), pod("Pending"))).isFalse();
        assertThat(TaskPodEvents.updated(pod("Running"), pod("Pending"))).isFalse();
        assertThat(TaskPodEvents.updated(pod("Succeeded"), pod("Running"))).isTrue();
        assertThat(TaskPodEvents.updated(pod("Failed"), pod("Pending"))).isTrue();
        assertThat(TaskPodEvents.updated(pod("Succeeded"), pod("Succeeded"))).as("a resync of an ended Pod").isFalse();
        assertThat(TaskPodEvents.updated(unschedulable(), pod("Pending"))).isTrue();
        assertThat(TaskPodEvents.updated(imageNotPulled(), pod("Pending"))).isTrue();
        assertThat(TaskPodEvents.updated(pod("Running"), unschedulable())).as("placed at last: the condition turns back").isTrue();
    }

    @Test
    void onlyAPodLostBeforeItSucceededStartsAPassWhenItGoes() {
        assertThat(TaskPodEvents.deleted(pod("Succeeded"), false)).as("deleted once recorded").isFalse();
        assertThat(TaskPodEvents.deleted(pod("Running"), false)).isTrue();
        assertThat(TaskPodEvents.deleted(pod("Pending"), false)).isTrue();
        assertThat(TaskPodEvents.deleted(pod("Succeeded"), true)).as("its last state unknown").isTrue();
    }
}
