package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Quantity;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.StepSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What one task requests: the step's resources, raised (never lowered) by the Run's overrides. */
class TaskResourcesTest {

    static StepSpec step(String cpu, String memory, Integer gpu, String disk) {
        StepSpec step = new StepSpec();
        step.name = "train";
        step.resources = new ResourceRequest(cpu, memory, gpu, disk);
        return step;
    }

    @Test
    void aStepWithoutResourcesGetsMetaflowsDefaults() {
        StepSpec step = new StepSpec();
        step.name = "start";
        TaskResources resources = TaskResources.of(step, null);
        assertThat(resources.asMap()).isEqualTo(Map.of("cpu", new Quantity("1"), "memory", new Quantity("4096M")));
    }

    @Test
    void declaredResourcesBecomeRequestsWithGpuAndEphemeralStorage() {
        TaskResources resources = TaskResources.of(step("2", "16000M", 1, "10Gi"), null);
        assertThat(resources.asMap()).containsExactly(
                Map.entry("cpu", new Quantity("2")),
                Map.entry("memory", new Quantity("16000M")),
                Map.entry("nvidia.com/gpu", new Quantity("1")),
                Map.entry("ephemeral-storage", new Quantity("10Gi")));
    }

    @Test
    void overridesRaiseButNeverLower() {
        // The step asks 4 CPUs and 8Gi; the Run says at least 2 CPUs (lower: ignored), 32Gi (higher: taken), 2 GPUs.
        TaskResources resources = TaskResources.of(step("4", "8Gi", null, "1Gi"), new ResourceRequest("2", "32Gi", 2, "500Mi"));
        assertThat(resources.cpu()).isEqualTo(new Quantity("4"));
        assertThat(resources.memory()).isEqualTo(new Quantity("32Gi"));
        assertThat(resources.gpu()).isEqualTo(2);
        assertThat(resources.disk()).isEqualTo(new Quantity("1Gi"));

        // Millicores against cores, decimal against binary units: compared by amount, not text.
        TaskResources mixed = TaskResources.of(step("1500m", "16000M", null, null), new ResourceRequest("2", "15Gi", null, null));
        assertThat(mixed.cpu()).isEqualTo(new Quantity("2"));
        assertThat(mixed.memory()).isEqualTo(new Quantity("15Gi")); // 15Gi = 16106127360 > 16000M
        TaskResources lower = TaskResources.of(step("1500m", "16000M", null, null), new ResourceRequest("1", "14Gi", null, null));
        assertThat(lower.cpu()).isEqualTo(new Quantity("1500m"));
        assertThat(lower.memory()).isEqualTo(new Quantity("16000M"));
    }

    @Test
    void anOverrideAloneAddsDisk() {
        TaskResources resources = TaskResources.of(step("1", "1Gi", null, null), new ResourceRequest(null, null, null, "20Gi"));
        assertThat(resources.asMap()).containsEntry("ephemeral-storage", new Quantity("20Gi"));
    }

    @Test
    void amdGpusAreRequestedAsAmdsExtendedResource() {
        StepSpec step = step("1", "1Gi", 2, null);
        step.placement = new PlacementSpec();
        step.placement.gpuVendor = "amd";
        Map<String, Quantity> requests = TaskResources.of(step, null).asMap();
        assertThat(requests).containsEntry("amd.com/gpu", new Quantity("2")).doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void noGpuMeansNoGpuResource() {
        assertThat(TaskResources.of(step("1", "1Gi", 0, null), null).asMap()).doesNotContainKeys("nvidia.com/gpu", "amd.com/gpu");
    }

    @Test
    void aMalformedQuantityFailsAtOnceNamingItsText() {
        assertThatThrownBy(() -> TaskResources.of(step("1", "16 GB", null, null), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'16 GB'").hasMessageContaining("malformed");
        // An override the step would never compare with (no declared disk) is read too.
        assertThatThrownBy(() -> TaskResources.of(step("1", "1Gi", null, null), new ResourceRequest(null, null, null, "ten gigs")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ten gigs'");
    }

    @Test
    void excessNamesWhatDoesNotFit() {
        PoolResources max = new PoolResources("8", "256Gi", 1);
        assertThat(TaskResources.of(step("8", "256Gi", 1, null), null).excess(max)).isEmpty();
        assertThat(TaskResources.of(step("9", "512000M", 2, null), null).excess(max))
                .containsExactly("cpu=9 (at most 8)", "memory=512000M (at most 256Gi)", "gpu=2 (at most 1)");
        assertThat(TaskResources.of(step("1", "1Gi", null, null), null).excess(null)).isEmpty();
    }
}
