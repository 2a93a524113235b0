package io.stratoflow.runtime;

import io.stratoflow.client.Client;
import io.stratoflow.client.FlowRef;
import io.stratoflow.client.RunRef;
import io.stratoflow.client.TaskRef;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.testflows.CliRun;
import io.stratoflow.testflows.ForeachFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Resuming a failed run, and rerunning a successful one from a step. */
@Execution(ExecutionMode.CONCURRENT)
class ResumeTest {

    @TempDir
    Path datastore;

    @Test
    void resumeClonesWhatSucceededAndRerunsWhatFailedThenRerunsFromAStep() throws Exception {
        Path marker = Files.writeString(datastore.resolve("fail-branch-2"), "present");
        // One worker: branches 0 and 1 succeed, branch 2 fails, 3 and 4 never start.
        CliRun failed = CliRun.of(ForeachFlow.class, datastore, "run", "--failMarker", marker.toString(), "--max-workers", "1");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.err()).contains("branch 2 was told to fail").contains("resume --origin-run-id " + failed.runId());
        FlowRef flow = Client.at(datastore).flow("ForeachFlow");
        RunRef origin = flow.run(failed.runId());
        assertThat(origin.step("square").tasks()).extracting(TaskRef::id, TaskRef::status)
                .containsExactly(tuple("0", "SUCCEEDED"), tuple("1", "SUCCEEDED"),
                        tuple("2", "FAILED"));

        Files.delete(marker);
        CliRun resumed = CliRun.of(ForeachFlow.class, datastore, "resume", "--origin-run-id", failed.runId(), "--max-workers", "2");

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        RunRef run = flow.run(resumed.runId());
        assertThat(run.phase()).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(run.step("start").task().status()).isEqualTo("CLONED");
        List<TaskRef> squares = run.step("square").tasks();
        assertThat(squares).extracting(TaskRef::id, TaskRef::status).containsExactly(
                tuple("0", "CLONED"), tuple("1", "CLONED"),
                tuple("2", "SUCCEEDED"), tuple("3", "SUCCEEDED"),
                tuple("4", "SUCCEEDED"));
        assertThat(squares.get(0).stdout()).as("a cloned task keeps its logs").isEqualTo("square of 0 is 0\n");
        assertThat(squares.get(2).stdout()).isEqualTo("square of 2 is 4\n");
        assertThat(squares.get(2).attempt()).isZero();
        assertThat(run.step("join").task().status()).isEqualTo("SUCCEEDED");
        assertThat(run.artifact("squares")).isEqualTo(List.of(0, 1, 4, 9, 16));
        assertThat(run.parameter("failMarker")).as("a resumed run keeps its origin's parameters").isEqualTo(marker.toString());
        assertThat(origin.phase()).isEqualTo(RunPhase.FAILED);

        CliRun fromSquare = CliRun.of(ForeachFlow.class, datastore, "resume", "square", "--origin-run-id", resumed.runId(),
                "--max-workers", "2");

        assertThat(fromSquare.exitCode()).as(fromSquare.toString()).isZero();
        RunRef rerun = flow.run(fromSquare.runId());
        assertThat(rerun.step("start").task().status()).isEqualTo("CLONED");
        assertThat(rerun.step("square").tasks()).extracting(TaskRef::status).containsOnly("SUCCEEDED").hasSize(5);
        assertThat(rerun.step("join").task().status()).isEqualTo("SUCCEEDED");
        assertThat(rerun.step("end").task().status()).isEqualTo("SUCCEEDED");
        assertThat(rerun.artifact("total")).isEqualTo(30);
        assertThat(flow.latestSuccessfulRun().orElseThrow().id()).isEqualTo(rerun.id());

        CliRun list = CliRun.of(ForeachFlow.class, datastore, "list");
        assertThat(list.out()).contains("resumed from " + failed.runId()).contains("resumed from " + resumed.runId() + " at square");
    }

    @Test
    void resumingAnUnknownRunOrStepIsACommandLineError() {
        CliRun noRun = CliRun.of(ForeachFlow.class, datastore, "resume", "--origin-run-id", "12345");
        assertThat(noRun.exitCode()).as(noRun.toString()).isEqualTo(2);
        assertThat(noRun.err()).contains("12345").contains("list");

        CliRun nothing = CliRun.of(ForeachFlow.class, datastore, "resume");
        assertThat(nothing.exitCode()).as(nothing.toString()).isEqualTo(2);
        assertThat(nothing.err()).contains("no run to resume");
    }
}
