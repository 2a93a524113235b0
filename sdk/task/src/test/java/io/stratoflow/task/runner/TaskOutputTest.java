package io.stratoflow.task.runner;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.task.TaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A task's output reaching a local datastore while it runs, as readers find it with openLatestLog. */
class TaskOutputTest {

    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    Datastore datastore;
    TaskSpec spec;

    @BeforeEach
    void open() {
        datastore = Datastore.open(DatastoreLocation.local(root));
        spec = TaskSpec.of("Logs", "example.Logs", "run-1", TaskKey.root("start"), 0, new TaskInputs.None(), Map.of(),
                DatastoreLocation.local(root), null);
    }

    @AfterEach
    void closeDatastore() {
        datastore.close();
    }

    Optional<String> stored(String stream) {
        Optional<InputStream> log = datastore.runs().openLatestLog("Logs", "run-1", "start", "0", stream);
        try (InputStream in = log.orElse(null)) {
            return log.isEmpty() ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitStored(String stream, String content) {
        Eventually.await(stream + " stored as " + content.strip(), TIMEOUT, () -> stored(stream).orElse("").equals(content));
    }

    @Test
    void aRunningTasksOutputCanBeReadBeforeItEndsAndIsCompleteAfter() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        TaskOutput output = TaskOutput.capture(datastore, spec, INTERVAL, LogFlusher.MAX_PERIODIC_BYTES);
        try {
            Thread task = new Thread(() -> {
                System.out.println("started");
                try {
                    release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("finished");
            }, "task");
            task.start();
            awaitStored("stdout", "started\n");
            assertThat(task.isAlive()).as("the task still runs").isTrue();
            release.countDown();
            task.join(TIMEOUT.toMillis());
        } finally {
            release.countDown();
            output.close();
        }
        assertThat(stored("stdout")).contains("started\nfinished\n");
    }

    @Test
    void aStreamNothingWasWrittenToIsNotStoredWhileTheTaskRuns() {
        TaskOutput output = TaskOutput.capture(datastore, spec, INTERVAL, LogFlusher.MAX_PERIODIC_BYTES);
        try {
            passTwoFlushes();
            assertThat(stored("stdout")).isEmpty();
        } finally {
            output.close();
        }
        assertThat(stored("stdout")).contains("");
    }

    @Test
    void aLogPastTheCapIsNotStoredAgainWhileTheTaskRunsButIsCompleteAtTheEnd() {
        String large = "x".repeat(100) + "\n";
        TaskOutput output = TaskOutput.capture(datastore, spec, INTERVAL, 64);
        try {
            System.out.print("small\n");
            awaitStored("stdout", "small\n");
            System.out.print(large);
            passTwoFlushes();
            assertThat(stored("stdout")).contains("small\n");
        } finally {
            output.close();
        }
        assertThat(stored("stdout")).contains("small\n" + large);
    }

    /**
     * Writes a line to stderr and waits until it is stored, twice. The round of uploads that stores
     * the second line began after the round that stored the first had ended, so it looked at
     * stdout after everything the test wrote before.
     */
    private void passTwoFlushes() {
        StringBuilder err = new StringBuilder(stored("stderr").orElse(""));
        for (int round = 1; round <= 2; round++) {
            String line = "round " + round + "\n";
            System.err.print(line);
            awaitStored("stderr", err.append(line).toString());
        }
    }
}
