package io.stratoflow.runtime;

import io.stratoflow.api.TaskFailure;
import io.stratoflow.client.Client;
import io.stratoflow.client.RunRef;
import io.stratoflow.client.StepRef;
import io.stratoflow.client.TaskRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.testflows.CatchFlow;
import io.stratoflow.testflows.CliRun;
import io.stratoflow.testflows.ExitingFlow;
import io.stratoflow.testflows.HungryFlow;
import io.stratoflow.testflows.RetryFlow;
import io.stratoflow.testflows.SleepyFlow;
import io.stratoflow.testflows.ThrowingFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What happens when a step throws, exits, runs out of memory, is retried, caught or times out. */
@Execution(ExecutionMode.CONCURRENT)
class TaskFailureTest {

    @TempDir
    Path datastore;

    private RunRef run(String flow, CliRun cli) {
        return Client.at(datastore).flow(flow).run(cli.runId());
    }

    @Test
    void aStepThatThrowsFailsTheRunAndTheReportShowsWhereWhatAndItsLastOutput() {
        CliRun cli = CliRun.of(ThrowingFlow.class, datastore, "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        String runId = cli.runId();
        assertThat(cli.err())
                .contains("Step:      explode")
                .contains(runId + "/explode/0")
                .contains("java.lang.IllegalStateException")
                .contains("the model diverged at epoch 3")
                .contains("| epoch 1 loss=NaN")
                .contains("| epoch 3 loss=NaN")
                .contains("ThrowingFlow.explode")
                .contains("resume --origin-run-id " + runId);
        RunRef run = run("ThrowingFlow", cli);
        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run.message()).contains("explode").contains("the model diverged");
        TaskRef failed = run.step("explode").task();
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failure().exceptionType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(run.steps()).extracting(StepRef::name).doesNotContain("end");
    }

    @Test
    void aStepThatCallsSystemExitFailsItsTaskAndTheOrchestratorRecordsTheRun() {
        CliRun cli = CliRun.of(ExitingFlow.class, datastore, "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("quit").contains("worker process").contains("exited with code 3").contains("System.exit");
        RunRef run = run("ExitingFlow", cli);
        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run.message()).contains("exited with code 3");
        TaskRef quit = run.step("quit").task();
        assertThat(quit.status()).isEqualTo("FAILED");
        assertThat(quit.failure().message()).contains("exited with code 3");
        assertThat(quit.stdout()).isEqualTo("leaving abruptly\n");
        assertThat(cli.err()).contains("| leaving abruptly");
    }

    @Test
    void aStepThatRunsOutOfMemoryIsToldWhereToFindMore() {
        CliRun cli = CliRun.withEnvironment(HungryFlow.class, datastore, Map.of("STRATOFLOW_WORKER_MAX_HEAP_MB", "64"),
                "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("java.lang.OutOfMemoryError").contains("ran out of memory")
                .contains("@Resources(memory=2048)").contains("at most 64 MB").contains("--with kubernetes");
        assertThat(run("HungryFlow", cli).phase()).isEqualTo(RunPhase.FAILED);
        String heap = cli.err().replaceAll("(?s).*\\| max heap (\\d+) MB.*", "$1");
        assertThat(Integer.parseInt(heap)).as("the worker's heap is capped").isLessThanOrEqualTo(64);
    }

    @Test
    void anInvalidWorkerHeapCapIsACommandLineError() {
        CliRun cli = CliRun.withEnvironment(HungryFlow.class, datastore, Map.of("STRATOFLOW_WORKER_MAX_HEAP_MB", "lots"), "run");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
        assertThat(cli.err()).contains("STRATOFLOW_WORKER_MAX_HEAP_MB=lots");
    }

    @Test
    void aRetriedStepSucceedsOnItsThirdAttempt() {
        CliRun cli = CliRun.of(RetryFlow.class, datastore, "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        RunRef run = run("RetryFlow", cli);
        assertThat(run.artifact("succeededOnAttempt")).isEqualTo(2);
        TaskRef flaky = run.step("flaky").task();
        assertThat(flaky.attempt()).isEqualTo(2);
        assertThat(flaky.status()).isEqualTo("SUCCEEDED");
        assertThat(flaky.stdout()).isEqualTo("attempt 2\n");
        assertThat(cli.out()).contains("flaky/0 attempt 1] attempt 1");
    }

    @Test
    void aCaughtFailureLetsTheRunGoOnAndIsReadableAsAnArtifact() {
        CliRun cli = CliRun.of(CatchFlow.class, datastore, "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        RunRef run = run("CatchFlow", cli);
        TaskFailure failure = (TaskFailure) run.artifact("failure");
        assertThat(failure.step()).isEqualTo("risky");
        assertThat(failure.exceptionType()).isEqualTo(UnsupportedOperationException.class.getName());
        assertThat(failure.message()).isEqualTo("risky is not supported today");
        assertThat(failure.stackTrace()).contains("CatchFlow.risky");
        assertThat(run.artifact("before")).isEqualTo("from start");
        assertThat(run.artifact("after")).isEqualTo("saw java.lang.UnsupportedOperationException in risky");
        assertThat(run.step("risky").task().status()).isEqualTo("CAUGHT");
    }

    @Test
    void aStepPastItsTimeoutIsKilledLongBeforeItWouldHaveFinished() throws Exception {
        CliRun cli = CliRun.of(SleepyFlow.class, datastore, "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("nap").contains("timed out");
        assertThat(cli.millis()).as("the run did not wait for the 30 s step").isLessThan(29_000);
        RunRef run = run("SleepyFlow", cli);
        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run.message()).contains("timed out");
        TaskRef nap = run.step("nap").task();
        assertThat(nap.status()).isEqualTo("FAILED");
        assertThat(nap.failure().message()).contains("timed out after 1s");
        TaskRecord napRecord = new Datastore(datastore).runs().readTask("SleepyFlow", cli.runId(), "nap", "0").orElseThrow();
        assertThat(napRecord.finishedAtMillis() - napRecord.startedAtMillis()).as("killed at its timeout").isBetween(1_000L, 10_000L);
        String stdout = Files.readString(datastore.resolve("flows/SleepyFlow/" + cli.runId() + "/nap/0/attempt-0.stdout.log"));
        long pid = Long.parseLong(stdout.replaceAll("(?s).*napping in pid (\\d+).*", "$1"));
        Await.until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the timed-out worker " + pid + " is gone");
    }
}
