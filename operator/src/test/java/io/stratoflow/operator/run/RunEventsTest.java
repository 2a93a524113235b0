package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class RunEventsTest {

    static KubernetesClient client;

    @Test
    void everyFailedTaskOfAWideFanOutCountsOnOneEventPerReason() {
        Run run = run("wide-1", "uid-1");
        int failures = 10_000;
        for (int task = 0; task < failures; task++) {
            RunEvents.warning(client, run, "TaskFailed", "Task work/" + task + " attempt 0: exit code 1");
        }
        RunEvents.warning(client, run, "Failed", "Step 'work' failed");

        List<Event> events = client.v1().events().inNamespace("team").list().getItems();
        System.out.printf("%d failed tasks and the Run's failure: %d Events%n", failures, events.size());
        assertThat(events).hasSize(2);
        Event taskFailed = events.stream().filter(e -> e.getReason().equals("TaskFailed")).findFirst().orElseThrow();
        assertThat(taskFailed.getCount()).isEqualTo(failures);
        assertThat(taskFailed.getMessage()).isEqualTo("Task work/" + (failures - 1) + " attempt 0: exit code 1");
        assertThat(taskFailed.getInvolvedObject().getName()).isEqualTo("wide-1");
        assertThat(taskFailed.getMetadata().getName()).isEqualTo(RunEvents.nameOf(run, "TaskFailed"));
    }

    @Test
    void aRunCreatedAgainUnderTheSameNameStartsItsCountOver() {
        RunEvents.warning(client, run("again-1", "uid-old"), "TaskFailed", "first life");
        RunEvents.warning(client, run("again-1", "uid-old"), "TaskFailed", "first life");
        RunEvents.warning(client, run("again-1", "uid-new"), "TaskFailed", "second life");

        Event event = client.v1().events().inNamespace("team").withName("again-1.taskfailed").get();
        assertThat(event.getCount()).isEqualTo(1);
        assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-new");
        assertThat(event.getMessage()).isEqualTo("second life");
    }

    private static Run run(String name, String uid) {
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team").withUid(uid).build());
        run.setSpec(new RunSpec());
        return run;
    }
}
