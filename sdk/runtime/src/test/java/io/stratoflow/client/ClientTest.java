package io.stratoflow.client;

import io.stratoflow.engine.RunPhase;
import io.stratoflow.testflows.CliRun;
import io.stratoflow.testflows.ForeachFlow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading runs back: a successful run of {@link ForeachFlow} followed by a failed one. */
@Execution(ExecutionMode.CONCURRENT)
class ClientTest {

    @TempDir
    static Path datastore;

    private static CliRun succeeded;
    private static CliRun failed;

    @BeforeAll
    static void runTwice() throws Exception {
        succeeded = CliRun.of(ForeachFlow.class, datastore, "run", "--width", "3", "--max-workers", "2");
        assertThat(succeeded.exitCode()).as(succeeded.toString()).isZero();
        Path marker = Files.writeString(datastore.resolve("marker"), "fail");
        failed = CliRun.of(ForeachFlow.class, datastore, "run", "--width", "3", "--failMarker", marker.toString(), "--max-workers", "2");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    }

    private static FlowRef flow() {
        return Client.at(datastore).flow("ForeachFlow");
    }

    @Test
    void latestSuccessfulRunSkipsTheNewerFailedRun() {
        assertThat(flow().latestRun().orElseThrow().id()).isEqualTo(failed.runId());
        RunRef latest = flow().latestSuccessfulRun().orElseThrow();
        assertThat(latest.id()).isEqualTo(succeeded.runId());
        assertThat(latest.successful()).isTrue();
        assertThat(latest.artifact("squares")).isEqualTo(List.of(0, 1, 4));
        assertThat(flow().runs()).extracting(RunRef::id).containsExactly(failed.runId(), succeeded.runId());
        assertThat(flow().run(failed.runId()).phase()).isEqualTo(RunPhase.FAILED);
    }

    @Test
    void aFailedTaskKeepsWhyAndWhatItPrinted() {
        TaskRef task = flow().run(failed.runId()).step("square").task("2");
        assertThat(task.status()).isEqualTo("FAILED");
        assertThat(task.failure().message()).contains("branch 2 was told to fail");
        assertThat(task.stdout()).isEqualTo("branch 2 is about to fail\n");
        assertThat(task.stderr()).contains("IllegalStateException");
        assertThat(task.artifactNames()).isEmpty();
    }

    @Test
    void taskArtifactsAndStdoutAreReadable() {
        StepRef square = flow().run(succeeded.runId()).step("square");
        assertThat(square.tasks()).hasSize(3);
        TaskRef second = square.task("1");
        assertThat(second.step()).isEqualTo("square");
        assertThat(second.artifact("item")).isEqualTo(1);
        assertThat(second.artifact("items", List.class)).isEqualTo(List.of(0, 1, 2));
        assertThat(second.stdout()).isEqualTo("square of 1 is 1\n");
        assertThat(second.stderr()).isEmpty();
    }

    @Test
    void anUnknownArtifactIsAnErrorListingTheArtifacts() {
        RunRef run = flow().run(succeeded.runId());
        assertThatThrownBy(() -> run.artifact("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("squares").hasMessageContaining("total").hasMessageContaining("items");
    }

    @Test
    void anUnknownStepIsAnErrorListingTheSteps() {
        RunRef run = flow().run(succeeded.runId());
        assertThatThrownBy(() -> run.step("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("start").hasMessageContaining("square").hasMessageContaining("join").hasMessageContaining("end");
    }

    @Test
    void aStepWithManyTasksAsksForOne() {
        StepRef square = flow().run(succeeded.runId()).step("square");
        assertThatThrownBy(square::task).isInstanceOf(IllegalStateException.class).hasMessageContaining("3 tasks");
        assertThatThrownBy(() -> square.task("9")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no task 9");
    }

    @Test
    void unknownFlowsRunsAndParametersAreErrorsNamingWhatExists() {
        Client client = Client.at(datastore);
        assertThat(client.flows()).containsExactly("ForeachFlow");
        assertThatThrownBy(() -> client.flow("Nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Nope'").hasMessageContaining("ForeachFlow");
        assertThatThrownBy(() -> flow().run("123")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no run 123");
        RunRef run = flow().run(succeeded.runId());
        assertThat(run.parameter("width")).isEqualTo(3);
        assertThatThrownBy(() -> run.parameter("depth")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'depth'").hasMessageContaining("width");
    }

    @Test
    void theArtifactsOfAFailedRunHaveNoEndStep() {
        RunRef run = flow().run(failed.runId());
        assertThatThrownBy(() -> run.artifact("total")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no step 'end'");
    }
}
