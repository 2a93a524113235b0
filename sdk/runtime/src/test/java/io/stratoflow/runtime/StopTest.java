package io.stratoflow.runtime;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import io.stratoflow.testflows.LongFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C: a stop request ends the run as STOPPED and kills the tasks it was running. */
@Execution(ExecutionMode.CONCURRENT)
class StopTest {

    @TempDir
    Path root;

    @Test
    void stopRequestKillsTheRunningTaskAndRecordsTheRunAsStopped() throws Exception {
        Datastore datastore = new Datastore(root);
        CompletableFuture<String> started = new CompletableFuture<>();
        LocalRuntime runtime = new LocalRuntime(datastore, new ProgressListener() {
            @Override
            public void started(String flow, String runId) {
                started.complete(runId);
            }

            @Override
            public void progress(RunState state) {
            }
        });
        FlowDefinition flow = FlowIntrospector.inspect(LongFlow.class);
        CompletableFuture<RunOutcome> outcome = CompletableFuture.supplyAsync(() -> runtime.run(flow, new RunOptions(Map.of(), 2, 10)));

        String runId = started.get(20, TimeUnit.SECONDS);
        Path log = datastore.runs().logFile("LongFlow", runId, "work", "0", 0, "stdout");
        long[] pid = new long[1];
        Await.until(() -> {
            try {
                Matcher m = Pattern.compile("pid=(\\d+)").matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) {
                    pid[0] = Long.parseLong(m.group(1));
                    return true;
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        }, "step 'work' is running");
        assertThat(ProcessHandle.of(pid[0]).map(ProcessHandle::isAlive)).contains(true);

        long stopAt = System.nanoTime();
        runtime.requestStop("stopped by the test");
        RunOutcome result = outcome.get(20, TimeUnit.SECONDS);

        assertThat((System.nanoTime() - stopAt) / 1_000_000).as("stopping does not wait for the task").isLessThan(10_000);
        assertThat(result.phase()).isEqualTo(RunPhase.STOPPED);
        assertThat(result.message()).isEqualTo("stopped by the test");
        assertThat(runtime.awaitFinished(0, TimeUnit.SECONDS)).isTrue();
        RunRecord record = datastore.runs().readRun("LongFlow", runId).orElseThrow();
        assertThat(record.phase()).isEqualTo(RunPhase.STOPPED);
        assertThat(record.finishedAtMillis()).isNotNull();
        TaskRecord killed = datastore.runs().readTask("LongFlow", runId, "work", "0").orElseThrow();
        assertThat(killed.status()).isEqualTo(TaskRecord.FAILED);
        assertThat(killed.failure().exceptionType()).isEqualTo("killed");
        assertThat(killed.failure().message()).contains("stopped");
        assertThat(datastore.runs().listTasks("LongFlow", runId, "end")).isEmpty();
        assertThat(datastore.runs().readState("LongFlow", runId).orElseThrow().phase()).isEqualTo(RunPhase.STOPPED);
        Await.until(() -> ProcessHandle.of(pid[0]).map(p -> !p.isAlive()).orElse(true), "worker " + pid[0] + " is gone");
    }
}
