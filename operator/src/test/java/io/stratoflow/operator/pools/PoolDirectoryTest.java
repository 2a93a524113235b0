package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolStatus;
import io.stratoflow.model.NodePoolReference;
import io.stratoflow.model.NodePoolStatus;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.pods.TaskResources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stratoflow.operator.Fixtures.inPool;
import static io.stratoflow.operator.Fixtures.pool;
import static io.stratoflow.operator.Fixtures.resources;
import static io.stratoflow.operator.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

/** Which pool a step runs in, and whether the autoscaler behind it could ever add a node that holds the step's tasks. */
class PoolDirectoryTest {

    private static ComputePool autoscaled(String largestCpu, String largestMemory) {
        ComputePool pool = pool("azure", new PoolResources("32", "128Gi", null));
        pool.getSpec().nodePool = new NodePoolReference("azure-nodes", new PoolResources(largestCpu, largestMemory, null));
        return pool;
    }

    private static PoolDirectory.Resolution resolve(ComputePool pool, String cpu, String memory) {
        StepSpec step = inPool(resources(step("train"), cpu, memory, null, null), "azure");
        return new PoolDirectory(List.of(pool)).resolve(step, TaskResources.of(step, null), "team");
    }

    @Test
    void aTaskLargerThanTheLargestInstanceIsRefusedNamingTheNodePool() {
        PoolDirectory.Resolution resolution = resolve(autoscaled("15900m", "63Gi"), "16", "8Gi");

        assertThat(resolution.pool()).isNull();
        assertThat(resolution.refusal())
                .contains("Step 'train' asks for cpu=16")
                .contains("largest instance that node pool 'azure-nodes' can add to ComputePool 'azure'")
                .contains("cpu=16 (at most 15900m)")
                .contains("The pools offer at most: azure (cpu=15900m, memory=63Gi)")
                .contains("refuses to execute");
    }

    @Test
    void aTaskThatFitsAnInstanceNotRunningYetGoesToThePool() {
        ComputePool pool = autoscaled("15900m", "63Gi");

        assertThat(resolve(pool, "15", "60Gi").pool()).isSameAs(pool);
        assertThat(PoolDirectory.canAddNodes(pool)).isTrue();
    }

    @Test
    void aTaskBeyondTheNodePoolsLimitsIsRefused() {
        ComputePool pool = autoscaled("64", "256Gi");
        pool.setStatus(new ComputePoolStatus());
        pool.getStatus().nodePool = new NodePoolStatus();
        pool.getStatus().nodePool.limits = new PoolResources("16", null, null);

        PoolDirectory.Resolution resolution = resolve(pool, "24", "8Gi");

        assertThat(resolution.refusal()).contains("may provision in all (its limits)").contains("cpu=24 (at most 16)");
        assertThat(resolve(pool, "8", "8Gi").pool()).isSameAs(pool);
    }

    @Test
    void aNodePoolFoundMissingAddsNoNodes() {
        ComputePool pool = autoscaled("16", "64Gi");
        pool.setStatus(new ComputePoolStatus());
        pool.getStatus().conditions.add(new ConditionBuilder().withType("NodePoolFound").withStatus("Unknown").build());
        assertThat(PoolDirectory.canAddNodes(pool)).as("no Karpenter API: another autoscaler may add nodes").isTrue();

        pool.getStatus().conditions.clear();
        pool.getStatus().conditions.add(new ConditionBuilder().withType("NodePoolFound").withStatus("False").build());
        assertThat(PoolDirectory.canAddNodes(pool)).isFalse();
        assertThat(PoolDirectory.canAddNodes(pool("fixed", new PoolResources("8", "32Gi", null)))).isFalse();
    }
}
