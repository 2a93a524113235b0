package io.stratoflow.task.runner;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.task.TaskSpec;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A step's stdout and stderr while it runs in a container: still written to the container's own
 * output, and kept in files that become the task's logs in the datastore, so that they outlive the
 * Pod. A {@link LogFlusher} stores them every few seconds while the step runs; they are stored
 * complete when it ends.
 */
final class TaskOutput implements AutoCloseable {

    private final Datastore datastore;
    private final TaskSpec spec;
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final Path dir;
    private final PrintStream out;
    private final PrintStream err;
    private final LogFlusher flusher;

    private TaskOutput(Datastore datastore, TaskSpec spec, Duration flushInterval, long maxFlushedBytes) throws IOException {
        this.datastore = datastore;
        this.spec = spec;
        this.dir = Files.createTempDirectory("stratoflow-task-logs");
        this.out = tee(originalOut, dir.resolve("stdout"));
        this.err = tee(originalErr, dir.resolve("stderr"));
        System.setOut(out);
        System.setErr(err);
        this.flusher = new LogFlusher(List.of(new LogFlusher.Log("stdout", dir.resolve("stdout"), out),
                new LogFlusher.Log("stderr", dir.resolve("stderr"), err)), this::store, flushInterval, maxFlushedBytes, originalErr);
    }

    static TaskOutput capture(Datastore datastore, TaskSpec spec) {
        return capture(datastore, spec, LogFlusher.interval(System.getenv(), System.err), LogFlusher.MAX_PERIODIC_BYTES);
    }

    static TaskOutput capture(Datastore datastore, TaskSpec spec, Duration flushInterval, long maxFlushedBytes) {
        try {
            return new TaskOutput(datastore, spec, flushInterval, maxFlushedBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for the task's logs: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        flusher.close();
        System.setOut(originalOut);
        System.setErr(originalErr);
        out.close();
        err.close();
        for (String stream : new String[] {"stdout", "stderr"}) {
            Path file = dir.resolve(stream);
            try {
                try (var log = Files.newInputStream(file)) {
                    store(stream, log);
                }
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException e) {
                originalErr.println("Cannot store the task's " + stream + " in the datastore " + spec.datastore().describe() + ": " + e);
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind in a container that ends now
        }
    }

    private void store(String stream, InputStream log) {
        datastore.runs().storeLog(spec.flow(), spec.runId(), spec.step(), spec.taskId(), spec.attempt(), stream, log);
    }

    private static PrintStream tee(PrintStream console, Path file) throws IOException {
        OutputStream log = new FileOutputStream(file.toFile());
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                console.write(b);
                log.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                console.write(b, off, len);
                log.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                console.flush();
                log.flush();
            }

            @Override
            public void close() throws IOException {
                console.flush();
                log.close();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
