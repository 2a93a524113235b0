package io.stratoflow.operator.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.stratoflow.datastore.Json;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.stratoflow.operator.Fixtures.awaitLivePod;
import static io.stratoflow.operator.Fixtures.condition;
import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.flow;
import static io.stratoflow.operator.Fixtures.foreachSteps;
import static io.stratoflow.operator.Fixtures.getRun;
import static io.stratoflow.operator.Fixtures.livePods;
import static io.stratoflow.operator.Fixtures.pods;
import static io.stratoflow.operator.Fixtures.run;
import static io.stratoflow.operator.Fixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reconciliation that throws is not only a log line: the Run says so in condition
 * {@code Reconciled} and an Event, keeps its state, and goes on once the cause is gone.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReconcileFailureTest {

    static final String NS = "broken";
    static final String RUN = "unreadable";

    @Inject
    KubernetesClient client;

    @Test
    void aReconcileThatThrowsEndsAsAConditionAndTheRunGoesOnOnceItCan() {
        client.resource(flow(NS, "fan", foreachSteps(s -> s))).create();
        client.resource(run(NS, RUN, "fan")).create();
        awaitLivePod(client, NS, RUN, "start");
        RunStatus whileStartRuns = eventually().until(() -> getRun(client, NS, RUN).getStatus(),
                st -> st.engine != null && st.engine.path("running").size() == 1);
        JsonNode engine = whileStartRuns.engine.deepCopy();

        // Someone overwrites the engine's state with something it cannot read: every reconciliation throws from here on,
        // the first one when start's Pod finishes.
        client.resources(Run.class).inNamespace(NS).withName(RUN).editStatus(r -> {
            r.getStatus().engine = Json.METADATA.createArrayNode().add("not a run state");
            return r;
        });
        succeed(client, awaitLivePod(client, NS, RUN, "start"), "{\"splits\": 2}");
        Condition failed = eventually().until(() -> condition(getRun(client, NS, RUN).getStatus().conditions, "Reconciled"),
                c -> c.isPresent() && "False".equals(c.get().getStatus())).orElseThrow();
        assertThat(failed.getReason()).isEqualTo("ReconcileFailed");
        assertThat(failed.getMessage()).contains("status.engine cannot be read").contains("tries again");
        Event event = eventually().until(() -> client.v1().events().inNamespace(NS).withName(RUN + ".reconcilefailed").get(),
                e -> e != null);
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getMessage()).isEqualTo(failed.getMessage());
        assertThat(getRun(client, NS, RUN).getStatus().phase).as("the failed pass changed nothing else").isEqualTo("Running");

        // Once the state is readable again the operator picks the Run up where it was.
        client.resources(Run.class).inNamespace(NS).withName(RUN).editStatus(r -> {
            r.getStatus().engine = engine;
            return r;
        });
        eventually().until(() -> condition(getRun(client, NS, RUN).getStatus().conditions, "Reconciled"),
                c -> c.isPresent() && "True".equals(c.get().getStatus()));
        eventually().until(() -> livePods(client, NS, RUN, "train"), l -> l.size() == 2).forEach(pod -> succeed(client, pod));
        succeed(client, awaitLivePod(client, NS, RUN, "join"));
        succeed(client, awaitLivePod(client, NS, RUN, "end"));
        Run done = eventually().until(() -> getRun(client, NS, RUN), r -> "Succeeded".equals(r.getStatus().phase));
        assertThat(done.getStatus().progress).isEqualTo("5/5");
        assertThat(pods(client, NS, RUN)).as("one Pod per task, none created twice").hasSize(5);
    }
}
