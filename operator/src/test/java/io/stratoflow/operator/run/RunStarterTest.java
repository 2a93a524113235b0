package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolSpec;
import io.stratoflow.model.ContainerSpec;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowReference;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import io.stratoflow.model.StepSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What RunStarter reads from the API server when its cache is behind. */
@EnableKubernetesMockClient(crud = true)
class RunStarterTest {

    static KubernetesClient client;

    @Test
    void aPoolAppliedWithItsRunButNotYetCachedIsReadFromTheApiServer() {
        client.resource(flow("on-burst", "burst")).inNamespace("team").create();
        client.resource(pool("burst")).create();

        RunStarter.Start start = RunStarter.check(client, run("on-burst"), List.of(), null);

        assertThat(start.refusal()).isNull();
        assertThat(start.flow()).isNotNull();
    }

    @Test
    void aPoolThatExistsNowhereStillRefusesTheRun() {
        client.resource(flow("on-nowhere", "nowhere")).inNamespace("team").create();

        RunStarter.Start start = RunStarter.check(client, run("on-nowhere"), List.of(), null);

        assertThat(start.refusal()).contains("Step 'start'").contains("ComputePool 'nowhere'").contains("does not exist");
    }

    private static Flow flow(String name, String pool) {
        StepSpec start = new StepSpec();
        start.name = "start";
        start.container = new ContainerSpec();
        start.container.image = "busybox";
        start.resources = new ResourceRequest("1", "1Gi", null, null);
        start.placement = new PlacementSpec();
        start.placement.computePool = pool;
        start.next.add("end");
        StepSpec end = new StepSpec();
        end.name = "end";
        end.container = start.container;
        Flow flow = new Flow();
        flow.setMetadata(new ObjectMetaBuilder().withName(name).build());
        flow.setSpec(new FlowResourceSpec());
        flow.getSpec().steps.addAll(List.of(start, end));
        return flow;
    }

    private static ComputePool pool(String name) {
        ComputePool pool = new ComputePool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(new ComputePoolSpec());
        pool.getSpec().maxTaskResources = new PoolResources("8", "64Gi", null);
        return pool;
    }

    private static Run run(String flow) {
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName(flow + "-1").withNamespace("team").build());
        run.setSpec(new RunSpec());
        run.getSpec().flowRef = new FlowReference(flow);
        return run;
    }
}
