package io.stratoflow.cli;

import io.stratoflow.testflows.CliRun;
import io.stratoflow.testflows.LinearFlow;
import io.stratoflow.testflows.UnknownNextStepFlow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands of a flow's CLI, against one real run of {@link LinearFlow}. */
@Execution(ExecutionMode.CONCURRENT)
class FlowCliTest {

    @TempDir
    static Path datastore;

    private static CliRun run;

    @BeforeAll
    static void runOnce() {
        run = CliRun.of(LinearFlow.class, datastore, "run", "--max-workers", "2");
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void runPrintsProgressTaskOutputAndTheOutcome() {
        assertThat(run.out())
                .contains("Run LinearFlow/" + run.runId() + " started.")
                .contains("[" + run.runId() + "/middle/0] middle says hello")
                .contains("start 1/1  middle 1/1  end 1/1")
                .contains("Run LinearFlow/" + run.runId() + " succeeded in");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void taskOutputNoneRunsWithoutPrintingWhatTasksPrint() {
        CliRun quiet = CliRun.of(LinearFlow.class, datastore, "run", "--task-output", "none");
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.out()).contains("succeeded in").doesNotContain("says hello").doesNotContain("/middle/0]");
    }

    @Test
    void logsOfATaskPrintWhatItPrinted() {
        CliRun logs = CliRun.of(LinearFlow.class, datastore, "logs", run.runId() + "/middle/0");

        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).isEqualTo("middle says hello\nmiddle built Point[x=1, y=2]\n");
        assertThat(logs.err()).isEmpty();
    }

    @Test
    void logsOfAStepPrintEachTask() {
        CliRun logs = CliRun.of(LinearFlow.class, datastore, "logs", run.runId() + "/start");

        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("start sees alpha=1");
    }

    @Test
    void logsOfAStepThatPrintedNothingSaySo() {
        CliRun logs = CliRun.of(LinearFlow.class, datastore, "logs", run.runId() + "/end/0");

        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).isEmpty();
    }

    @Test
    void logsOfAnUnknownRunStepOrMalformedPathAreErrors() {
        CliRun noRun = CliRun.of(LinearFlow.class, datastore, "logs", "42/middle/0");
        assertThat(noRun.exitCode()).isEqualTo(2);
        assertThat(noRun.err()).contains("no run 42").contains("list");

        CliRun noStep = CliRun.of(LinearFlow.class, datastore, "logs", run.runId() + "/train");
        assertThat(noStep.exitCode()).isEqualTo(2);
        assertThat(noStep.err()).contains("'train'").contains("[start, middle, end]");

        CliRun noTask = CliRun.of(LinearFlow.class, datastore, "logs", run.runId() + "/middle/7");
        assertThat(noTask.exitCode()).isEqualTo(1);
        assertThat(noTask.err()).contains("No logs");

        CliRun malformed = CliRun.of(LinearFlow.class, datastore, "logs", run.runId());
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("RUN/STEP");
    }

    @Test
    void listShowsTheRunAsSucceeded() {
        CliRun list = CliRun.of(LinearFlow.class, datastore, "list");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern(run.runId() + "\\s+SUCCEEDED");
    }

    @Test
    void listWithoutRunsSaysSo(@TempDir Path empty) {
        CliRun list = CliRun.of(LinearFlow.class, empty, "list");

        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("No runs of LinearFlow");
    }

    @Test
    void showPrintsEveryStepAndParameter() {
        CliRun show = CliRun.of(LinearFlow.class, null, "show");

        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("LinearFlow").contains("start  => middle").contains("middle  => end").contains("end  (end)")
                .contains("--alpha <int> (default 1)");
        assertThat(show.out().indexOf("start")).isLessThan(show.out().indexOf("middle"));
    }

    @Test
    void aBadParameterValueIsRejectedNamingTheOption() {
        CliRun bad = CliRun.of(LinearFlow.class, datastore, "run", "--alpha", "abc");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--alpha").contains("abc");
        assertThat(bad.out()).doesNotContain("started");
    }

    @Test
    void anUnknownOptionIsRejected() {
        CliRun bad = CliRun.of(LinearFlow.class, datastore, "run", "--alpah", "7");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).containsIgnoringCase("unknown option").contains("--alpah");
    }

    @Test
    void aMissingCommandIsAnError() {
        CliRun none = CliRun.of(LinearFlow.class, datastore);

        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Missing command").contains("run, resume").contains("Usage:");
    }

    @Test
    void nonPositiveLimitsAreRejected() {
        CliRun bad = CliRun.of(LinearFlow.class, datastore, "run", "--max-workers", "0");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--max-workers must be at least 1");
    }

    @Test
    void aFlowCompiledWithoutTheProcessorIsStillValidatedBeforeRunning(@TempDir Path fresh) {
        CliRun invalid = CliRun.of(UnknownNextStepFlow.class, fresh, "run");

        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("UnknownNextStepFlow").contains("start").contains("'trian'").contains("does not exist");
        assertThat(fresh.resolve("flows")).doesNotExist();
    }

    @Test
    void anUnwritableDatastoreIsReportedWithThePathAndTheOption(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
        Path root = file.resolve("store");

        CliRun cli = CliRun.of(LinearFlow.class, root, "run");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
        assertThat(cli.err()).contains(root.toString()).contains("--datastore-root");
        assertThat(cli.out()).doesNotContain("started");
    }

    @Test
    void theDatastoreComesFromTheEnvironmentWhenNoRootIsGiven() {
        CliRun list = CliRun.withEnvironment(LinearFlow.class, null, Map.of("STRATOFLOW_DATASTORE", datastore.toString()), "list");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains(run.runId());
    }
}
