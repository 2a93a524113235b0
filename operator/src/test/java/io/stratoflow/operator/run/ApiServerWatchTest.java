package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import io.stratoflow.model.RunStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class ApiServerWatchTest {

    static KubernetesClient client;
    private ApiServerWatch watch;

    @BeforeEach
    void start() {
        watch = new ApiServerWatch();
        watch.client = client;
        client.resource(run("still-running", "Running")).inNamespace("team").create();
        client.resource(run("done-before", "Succeeded")).inNamespace("team").create();
    }

    @Test
    void anOutageEndsWithOneEventOnEveryUnfinishedRunSayingHowLongItLasted() {
        Instant lost = Instant.parse("2026-12-01T07:10:01Z");
        watch.observe(true, lost.minusSeconds(2));
        watch.observe(false, lost);
        watch.observe(false, lost.plusSeconds(10));
        assertThat(events()).as("nothing can be written while the API server is away").isEmpty();

        watch.observe(true, lost.plusSeconds(23));
        List<Event> events = events();
        assertThat(events).hasSize(1);
        Event event = events.get(0);
        assertThat(event.getInvolvedObject().getName()).isEqualTo("still-running");
        assertThat(event.getReason()).isEqualTo(ApiServerWatch.REASON);
        assertThat(event.getType()).isEqualTo("Warning");
        // counted from the last answer, since the API server may have gone any time after it
        assertThat(event.getMessage()).contains("for 25 s").contains("2026-12-01T07:09:59Z").contains("2026-12-01T07:10:24Z");

        watch.observe(true, lost.plusSeconds(25));
        assertThat(events()).as("told once per outage").hasSize(1);
    }

    private List<Event> events() {
        return client.v1().events().inNamespace("team").list().getItems();
    }

    private static Run run(String name, String phase) {
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName(name).build());
        run.setSpec(new RunSpec());
        run.setStatus(new RunStatus());
        run.getStatus().phase = phase;
        return run;
    }
}
