package io.stratoflow.operator.flow;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.getFlow;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.inPool;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.resources;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.step;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the schema cannot catch, the operator reports: on the Flow (condition Valid, naming the step) and on a Run
 * that uses it (Failed, or Pending while its Flow is missing), and it goes on reconciling everything else.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BadInputTest {

    static final String NS = "bad-input";

    @Inject
    KubernetesClient client;

    Condition valid(String flow) {
        return eventually().until(() -> {
            Flow f = getFlow(client, NS, flow);
            return f.getStatus() == null ? null : condition(f.getStatus().conditions, "Valid").orElse(null);
        }, c -> c != null);
    }

    Run finished(String run) {
        return eventually().until(() -> getRun(client, NS, run),
                r -> r.getStatus() != null && List.of("Failed", "Succeeded", "Stopped").contains(r.getStatus().phase));
    }

    @Test
    void aValidFlowIsReportedValid() {
        client.resource(flow(NS, "fine", List.of(step("start", "end"), step("end")))).create();
        Condition valid = valid("fine");
        assertThat(valid.getStatus()).isEqualTo("True");
        Flow flow = getFlow(client, NS, "fine");
        assertThat(flow.getStatus().steps).isEqualTo(2);
        assertThat(flow.getStatus().observedGeneration).isEqualTo(flow.getMetadata().getGeneration());
    }

    @Test
    void aCycleIsInvalidAndNamesTheStep() {
        client.resource(flow(NS, "cyclic", List.of(step("start", "a"), step("a", "b"), step("b", "a"), step("end")))).create();
        Condition valid = valid("cyclic");
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getMessage()).contains("step 'b'").contains("cycle a -> b -> a");

        client.resource(run(NS, "cyclic-1", "cyclic")).create();
        Run failed = finished("cyclic-1");
        assertThat(failed.getStatus().phase).isEqualTo("Failed");
        assertThat(failed.getStatus().message).contains("Flow cyclic is not valid").contains("step 'b'").contains("cycle");
        assertThat(pods(client, NS, "cyclic-1")).isEmpty();
    }

    @Test
    void anUnknownNextStepIsInvalidAndNamesTheStep() {
        client.resource(flow(NS, "lost", List.of(step("start", "nowhere"), step("end")))).create();
        Condition valid = valid("lost");
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getMessage()).contains("step 'start'").contains("'nowhere'").contains("does not exist");

        client.resource(run(NS, "lost-1", "lost")).create();
        Run failed = finished("lost-1");
        assertThat(failed.getStatus().phase).isEqualTo("Failed");
        assertThat(failed.getStatus().message).contains("'nowhere'");
    }

    @Test
    void aMalformedQuantityIsInvalidAndItsRunFailsWithoutAPod() {
        client.resource(flow(NS, "sloppy", List.of(resources(step("start", "end"), null, "16 GB", null, null), step("end")))).create();
        Condition valid = valid("sloppy");
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getMessage()).contains("step 'start'").contains("'16 GB'").contains("malformed").contains("16Gi");

        client.resource(run(NS, "sloppy-1", "sloppy")).create();
        Run failed = finished("sloppy-1");
        assertThat(failed.getStatus().phase).isEqualTo("Failed");
        assertThat(failed.getStatus().message).contains("step 'start'").contains("'16 GB'");
        assertThat(pods(client, NS, "sloppy-1")).isEmpty();
    }

    @Test
    void aRunWaitsForItsMissingFlowAndStartsWhenItAppears() {
        client.resource(run(NS, "early", "late-flow")).create();
        Run pending = eventually().until(() -> getRun(client, NS, "early"), r -> r.getStatus() != null && r.getStatus().phase != null);
        assertThat(pending.getStatus().phase).isEqualTo("Pending");
        Condition found = condition(pending.getStatus().conditions, "FlowFound").orElseThrow();
        assertThat(found.getStatus()).isEqualTo("False");
        assertThat(found.getReason()).isEqualTo("FlowNotFound");
        assertThat(found.getMessage()).contains("Flow late-flow does not exist in namespace " + NS);
        assertThat(pending.getStatus().message).isEqualTo(found.getMessage());

        client.resource(flow(NS, "late-flow", List.of(step("start", "end"), step("end")))).create();
        succeed(client, awaitLivePod(client, NS, "early", "start"));
        succeed(client, awaitLivePod(client, NS, "early", "end"));
        Run done = finished("early");
        assertThat(done.getStatus().phase).isEqualTo("Succeeded");
        assertThat(condition(done.getStatus().conditions, "FlowFound")).isEmpty();
    }

    @Test
    void aFlowOfAnotherNamespaceIsRefused() {
        client.resource(flow("elsewhere", "shared", List.of(step("start", "end"), step("end")))).create();
        Run run = run(NS, "borrower", "shared");
        run.getSpec().flowRef.namespace = "elsewhere";
        client.resource(run).create();
        Run failed = finished("borrower");
        assertThat(failed.getStatus().phase).isEqualTo("Failed");
        assertThat(failed.getStatus().message).contains("elsewhere/shared").contains("own namespace (" + NS + ")");
        assertThat(pods(client, NS, "borrower")).isEmpty();
    }

    @Test
    void aMissingComputePoolFailsTheRunNamingThePool() {
        client.resource(flow(NS, "placed", List.of(step("start", "train"), inPool(step("train", "end"), "no-such-pool"), step("end"))))
                .create();
        client.resource(run(NS, "placed-1", "placed")).create();
        Run failed = finished("placed-1");
        assertThat(failed.getStatus().phase).isEqualTo("Failed");
        assertThat(failed.getStatus().message).contains("Step 'train'").contains("ComputePool 'no-such-pool'").contains("does not exist");
        assertThat(pods(client, NS, "placed-1")).isEmpty();
    }

    @Test
    void theOperatorGoesOnAfterBadInput() {
        // Every kind of bad input at once, then a good Run: it runs.
        client.resource(flow(NS, "cyclic-2", List.of(step("start", "a"), step("a", "start"), step("end")))).create();
        client.resource(flow(NS, "empty", List.of())).create();
        client.resource(run(NS, "bad-a", "cyclic-2")).create();
        client.resource(run(NS, "bad-b", "empty")).create();
        Run other = run(NS, "bad-c", "cyclic-2");
        other.getSpec().flowRef.namespace = "elsewhere";
        client.resource(other).create();
        assertThat(finished("bad-a").getStatus().phase).isEqualTo("Failed");
        assertThat(finished("bad-b").getStatus().phase).isEqualTo("Failed");
        assertThat(finished("bad-c").getStatus().phase).isEqualTo("Failed");
        assertThat(valid("empty").getMessage()).contains("no steps");

        client.resource(flow(NS, "good", List.of(step("start", "end"), step("end")))).create();
        client.resource(run(NS, "good-1", "good")).create();
        succeed(client, awaitLivePod(client, NS, "good-1", "start"));
        succeed(client, awaitLivePod(client, NS, "good-1", "end"));
        assertThat(finished("good-1").getStatus().phase).isEqualTo("Succeeded");
    }
}
