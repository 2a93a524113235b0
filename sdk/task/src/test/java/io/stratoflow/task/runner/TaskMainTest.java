package io.stratoflow.task.runner;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Step;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.task.TaskReport;
import io.stratoflow.task.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The task runner as a Pod runs it, in-process: the spec is all it is given. */
class TaskMainTest {

    public static class Squares extends FlowSpec {
        @Parameter(help = "how many")
        int count = 2;

        List<Integer> numbers;
        int square;

        @Step(next = "square", foreach = "numbers")
        public void start() {
            numbers = java.util.stream.IntStream.range(0, count).boxed().toList();
            System.out.println("fanning out over " + count);
        }

        @Step(next = "join")
        public void square() {
            int n = input();
            if (n < 0) {
                throw new IllegalArgumentException("negative: " + n);
            }
            square = n * n;
        }

        @Step(next = "end")
        public void join(io.stratoflow.api.Inputs<Squares> inputs) {
        }

        @Step
        public void end() {
        }
    }

    public static class Waits extends FlowSpec {
        static volatile CountDownLatch release = new CountDownLatch(0);

        @Step(next = "end")
        public void start() throws InterruptedException {
            System.out.println("waiting for the test");
            release.await(60, TimeUnit.SECONDS);
        }

        @Step
        public void end() {
        }
    }

    @TempDir
    Path root;

    TaskSpec spec(TaskKey task, TaskInputs inputs, Map<String, String> parameters) {
        return TaskSpec.of("Squares", Squares.class.getName(), "run-1", task, 0, inputs, parameters, DatastoreLocation.local(root), null);
    }

    @Test
    void theFirstTaskRecordsTheRunFromTheSpecsParametersAndReportsItsSplits() throws IOException {
        TaskReport report = TaskMain.run(spec(TaskKey.root("start"), new TaskInputs.None(), Map.of("count", "5")));
        assertThat(report.splits()).isEqualTo(5);
        assertThat(report.failed()).isFalse();
        assertThat(report.timings()).containsKeys("jvm", "datastore", "code", "inputs", "step", "outputs", "logs");
        Datastore datastore = Datastore.open(DatastoreLocation.local(root));
        assertThat(datastore.runs().readRun("Squares", "run-1")).isPresent();
        TaskRecord start = datastore.runs().readTask("Squares", "run-1", "start", "0").orElseThrow();
        assertThat(start.splits()).isEqualTo(5);
        try (var log = datastore.runs().openLog("Squares", "run-1", "start", "0", 0, "stdout").orElseThrow()) {
            assertThat(new String(log.readAllBytes(), StandardCharsets.UTF_8)).contains("fanning out over 5");
        }
    }

    @Test
    void aRunningStepsOutputIsInTheDatastoreBeforeItEnds() throws Exception {
        Waits.release = new CountDownLatch(1);
        TaskSpec spec = TaskSpec.of("Waits", Waits.class.getName(), "run-1", TaskKey.root("start"), 0, new TaskInputs.None(), Map.of(),
                DatastoreLocation.local(root), null);
        Datastore datastore = Datastore.open(DatastoreLocation.local(root));
        ExecutorService pod = Executors.newSingleThreadExecutor();
        Future<TaskReport> report;
        try {
            report = pod.submit(() -> TaskMain.run(spec));
            Eventually.await("the running step's stdout in the datastore", Duration.ofSeconds(60),
                    () -> stdout(datastore, "Waits", "start").contains("waiting for the test"));
            assertThat(report).isNotDone();
        } finally {
            Waits.release.countDown();
            pod.shutdown();
        }
        assertThat(report.get(60, TimeUnit.SECONDS).failed()).isFalse();
        assertThat(stdout(datastore, "Waits", "start")).isEqualTo("waiting for the test\n");
    }

    private static String stdout(Datastore datastore, String flow, String step) {
        try (var log = datastore.runs().openLatestLog(flow, "run-1", step, "0", "stdout").orElse(InputStream.nullInputStream())) {
            return new String(log.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aBranchReadsItsElementAndAFailureIsReportedWithItsType() {
        TaskMain.run(spec(TaskKey.root("start"), new TaskInputs.None(), Map.of("count", "3")));
        TaskReport ok = TaskMain.run(spec(new TaskKey("square", io.stratoflow.engine.IndexPath.of(2)),
                new TaskInputs.Parents(List.of(TaskKey.root("start"))), Map.of()));
        assertThat(ok.failed()).isFalse();
        Datastore datastore = Datastore.open(DatastoreLocation.local(root));
        TaskRecord square = datastore.runs().readTask("Squares", "run-1", "square", "2").orElseThrow();
        assertThat(datastore.artifacts().read("square", square.artifacts().get("square"), Integer.class)).isEqualTo(4);

        TaskReport missingParent = TaskMain.run(spec(new TaskKey("square", io.stratoflow.engine.IndexPath.of(0)),
                new TaskInputs.Parents(List.of(TaskKey.root("nowhere"))), Map.of()));
        assertThat(missingParent.failed()).isTrue();
        assertThat(missingParent.message()).contains("nowhere/0").contains(root.toString());
    }
}
