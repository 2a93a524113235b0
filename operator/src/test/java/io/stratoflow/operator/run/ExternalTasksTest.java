package io.stratoflow.operator.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.model.ExternalTask;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixed run: the operator creates Pods only for the cluster steps, lists the running tasks of the external steps in
 * the Run's status with their task descriptions, and takes their outcome from the records the submitting machine
 * writes to the datastore.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ExternalTasksTest {

    @Inject
    KubernetesClient client;

    @Inject
    RunDatastores datastores;

    static Flow mixed(String ns, String name, String datastoreName) {
        StepSpec start = step("start", "train");
        start.external = true;
        StepSpec end = step("end");
        end.external = true;
        Flow flow = flow(ns, name, List.of(start, step("train", "end"), end));
        flow.getSpec().runner.flowName = datastoreName;
        return flow;
    }

    static ExternalTask awaitExternal(KubernetesClient client, String ns, String run, String step) {
        return eventually().until(() -> getRun(client, ns, run).getStatus(),
                s -> s != null && s.externalTasks.stream().anyMatch(t -> t.step.equals(step))).externalTasks.stream()
                .filter(t -> t.step.equals(step)).findFirst().orElseThrow();
    }

    static void record(Datastore datastore, TaskSpec spec, String status, TaskFailure failure) {
        datastore.runs().writeTask(spec.flow(), spec.runId(), new TaskRecord(spec.step(), spec.taskId(), spec.attempt(), status, Map.of(),
                null, failure, 1, 2, null));
    }

    @Test
    void externalStepsAreListedForTheSubmitterAndTheirRecordsMoveTheRunOn() throws Exception {
        String ns = "mixed";
        Flow flow = mixed(ns, "hybrid", "Hybrid");
        Datastore datastore = datastores.open(datastores.locationOf(flow.getSpec()).orElseThrow());
        RunRecordTest.forget(datastore, "Hybrid");
        client.resource(flow).create();
        client.resource(run(ns, "hybrid-1", "hybrid")).create();

        ExternalTask start = awaitExternal(client, ns, "hybrid-1", "start");
        TaskSpec spec = TaskSpecCodec.decode(start.task);
        assertThat(spec.flow()).isEqualTo("Hybrid");
        assertThat(spec.runId()).isEqualTo("hybrid-1");
        assertThat(spec.step()).isEqualTo("start");
        assertThat(spec.attempt()).isZero();
        assertThat(pods(client, ns, "hybrid-1")).as("no Pod for a step the submitter runs").isEmpty();

        record(datastore, spec, TaskRecord.SUCCEEDED, null);
        succeed(client, awaitLivePod(client, ns, "hybrid-1", "train"));
        assertThat(getRun(client, ns, "hybrid-1").getStatus().externalTasks).extracting(t -> t.step).doesNotContain("start");

        ExternalTask end = awaitExternal(client, ns, "hybrid-1", "end");
        assertThat(TaskSpecCodec.decode(end.task).parents()).extracting(TaskSpec.TaskRef::step).containsExactly("train");
        record(datastore, TaskSpecCodec.decode(end.task), TaskRecord.SUCCEEDED, null);
        Run done = eventually().until(() -> getRun(client, ns, "hybrid-1"), r -> "Succeeded".equals(r.getStatus().phase));
        assertThat(done.getStatus().externalTasks).isEmpty();
        assertThat(pods(client, ns, "hybrid-1")).extracting(p -> p.getMetadata().getLabels().get("stratoflow.io/step")).containsOnly("train");
    }

    @Test
    void aFailedExternalTaskFailsTheRunWithItsException() throws Exception {
        String ns = "mixed-failed";
        Flow flow = mixed(ns, "hybrid-broken", "HybridBroken");
        Datastore datastore = datastores.open(datastores.locationOf(flow.getSpec()).orElseThrow());
        RunRecordTest.forget(datastore, "HybridBroken");
        client.resource(flow).create();
        client.resource(run(ns, "broken-1", "hybrid-broken")).create();

        TaskSpec spec = TaskSpecCodec.decode(awaitExternal(client, ns, "broken-1", "start").task);
        record(datastore, spec, TaskRecord.FAILED, new TaskFailure("start", "java.io.FileNotFoundException", "shards/US.data", ""));

        Run failed = eventually().until(() -> getRun(client, ns, "broken-1"), r -> "Failed".equals(r.getStatus().phase));
        assertThat(failed.getStatus().message).contains("start").contains("java.io.FileNotFoundException: shards/US.data")
                .contains("machine that submitted the run");
    }
}
