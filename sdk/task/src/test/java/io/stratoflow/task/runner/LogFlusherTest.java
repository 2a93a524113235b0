package io.stratoflow.task.runner;

import io.stratoflow.task.EnvironmentNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Periodic uploads, driven by calling flush() directly (interval 0: no timer) unless a test needs the timer. */
class LogFlusherTest {

    @TempDir
    Path dir;

    /** What was stored, as "stream:content". */
    final List<String> stored = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    LogFlusher.Store recording() {
        return (stream, log) -> stored.add(stream + ":" + new String(log.readAllBytes(), StandardCharsets.UTF_8));
    }

    LogFlusher flusher(OutputStream out, Duration interval, long maxBytes, LogFlusher.Store store) {
        return new LogFlusher(List.of(new LogFlusher.Log("stdout", dir.resolve("stdout"), out)), store, interval, maxBytes,
                new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    OutputStream buffered() throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(dir.resolve("stdout")));
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void storesWhatWasWrittenSoFarOnlyWhenItGrew() throws IOException {
        try (OutputStream out = buffered(); LogFlusher flusher = flusher(out, Duration.ZERO, 1024, recording())) {
            flusher.flush();
            assertThat(stored).as("nothing written, nothing stored").isEmpty();

            write(out, "one\n"); // still in the buffer: the flusher flushes it first
            flusher.flush();
            flusher.flush();
            assertThat(stored).containsExactly("stdout:one\n");

            write(out, "two\n");
            flusher.flush();
            assertThat(stored).containsExactly("stdout:one\n", "stdout:one\ntwo\n");
        }
    }

    @Test
    void aLogPastTheCapIsNoLongerStoredPeriodically() throws IOException {
        try (OutputStream out = buffered(); LogFlusher flusher = flusher(out, Duration.ZERO, 8, recording())) {
            write(out, "12345");
            flusher.flush();
            write(out, "6789");
            flusher.flush();
            write(out, "0");
            flusher.flush();
            assertThat(stored).containsExactly("stdout:12345");
        }
    }

    @Test
    void aFailedUploadIsReportedOnceAndLaterOnesAreStillTried() throws IOException {
        List<String> attempts = new CopyOnWriteArrayList<>();
        LogFlusher.Store failing = (stream, log) -> {
            attempts.add(stream);
            throw new IOException("storage unavailable");
        };
        try (OutputStream out = buffered(); LogFlusher flusher = flusher(out, Duration.ZERO, 1024, failing)) {
            write(out, "one\n");
            flusher.flush();
            write(out, "two\n");
            flusher.flush();
        }
        assertThat(attempts).hasSize(2);
        String reported = errors.toString(StandardCharsets.UTF_8);
        assertThat(reported).contains("Cannot store the task's stdout", "storage unavailable");
        assertThat(reported.lines()).hasSize(1);
    }

    @Test
    void closeWaitsForAnUploadUnderWayAndNothingIsStoredAfterIt() throws Exception {
        CountDownLatch uploading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LogFlusher.Store slow = (stream, log) -> {
            uploading.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recording().store(stream, log);
        };
        try (OutputStream out = buffered()) {
            LogFlusher flusher = flusher(out, Duration.ofMillis(20), 1024, slow);
            write(out, "one\n");
            assertThat(uploading.await(30, TimeUnit.SECONDS)).as("a periodic upload began").isTrue();
            Thread closing = new Thread(flusher::close, "closing");
            closing.start();
            Eventually.await("close() waits for the upload", Duration.ofSeconds(30),
                    () -> closing.getState() == Thread.State.BLOCKED);
            release.countDown();
            closing.join(30_000);
            assertThat(closing.isAlive()).isFalse();
            assertThat(stored).containsExactly("stdout:one\n");

            write(out, "two\n");
            flusher.flush();
            assertThat(stored).as("no upload after close").containsExactly("stdout:one\n");
        }
    }

    @Test
    void theIntervalComesFromTheEnvironment() {
        PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
        assertThat(LogFlusher.interval(Map.of(), err)).isEqualTo(Duration.ofSeconds(3));
        assertThat(LogFlusher.interval(Map.of(EnvironmentNames.LOG_FLUSH_SECONDS, "0"), err)).isZero();
        assertThat(LogFlusher.interval(Map.of(EnvironmentNames.LOG_FLUSH_SECONDS, "0.25"), err)).isEqualTo(Duration.ofMillis(250));
        assertThat(errors.size()).isZero();
        assertThat(LogFlusher.interval(Map.of(EnvironmentNames.LOG_FLUSH_SECONDS, "soon"), err)).isEqualTo(Duration.ofSeconds(3));
        assertThat(LogFlusher.interval(Map.of(EnvironmentNames.LOG_FLUSH_SECONDS, "-1"), err)).isEqualTo(Duration.ofSeconds(3));
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("STRATOFLOW_LOG_FLUSH_SECONDS=soon", "STRATOFLOW_LOG_FLUSH_SECONDS=-1");
    }
}
