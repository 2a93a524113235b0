package io.stratoflow.operator.pods;

import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.TaskKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskPodNamesTest {

    @Test
    void namesAreLowerCaseWithSingleDashesAndNoDashAtTheEnds() {
        assertThat(TaskPodNames.dns("Train_Model")).isEqualTo("train-model");
        assertThat(TaskPodNames.dns("__a..b--c__")).isEqualTo("a-b-c");
        assertThat(TaskPodNames.dns("Äpfel 2")).isEqualTo("pfel-2");
        assertThat(TaskPodNames.dns("---")).isEmpty();
    }

    @Test
    void nestedForeachTasksGetDashedIndicesAndLongNamesAHashedSuffix() {
        assertThat(TaskPodNames.podName("run-1", new TaskKey("fit_model", IndexPath.of(3, 14)), 2)).isEqualTo("run-1-fit-model-3-14-2");
        String longName = TaskPodNames.podName("r".repeat(70), new TaskKey("step", IndexPath.of(1)), 0);
        assertThat(longName).hasSize(63).doesNotContain("--").matches("[a-z0-9-]+");
        assertThat(TaskPodNames.podName("r".repeat(70), new TaskKey("step", IndexPath.of(2)), 0)).isNotEqualTo(longName);
    }
}
