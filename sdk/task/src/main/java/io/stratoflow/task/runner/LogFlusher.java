package io.stratoflow.task.runner;

import io.stratoflow.task.EnvironmentNames;

import java.io.FilterInputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stores the logs of a running task every few seconds, each when it has grown, so that its output
 * can be read and followed before it ends. The complete logs are stored by {@link TaskOutput} when
 * the task ends; a periodic upload that fails is reported and skipped.
 */
final class LogFlusher implements AutoCloseable {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(3);
    /**
     * Each upload sends the whole log again (a storage object cannot be appended to), so a log
     * past this size is only stored at the end.
     */
    static final long MAX_PERIODIC_BYTES = 32L * 1024 * 1024;

    /** Replaces the stored log of a stream with this content. */
    @FunctionalInterface
    interface Store {
        void store(String stream, InputStream log) throws IOException;
    }

    /** A log being written: its file, and what to flush so that the file holds everything written so far. */
    record Log(String stream, Path file, Flushable writer) {
    }

    private final List<Log> logs;
    private final Store store;
    private final long maxBytes;
    private final PrintStream errors;
    private final ScheduledExecutorService timer;
    // all guarded by this: an upload holds the lock, so close() waits for it
    private final long[] storedBytes;
    private final boolean[] tooLarge;
    private boolean closed;
    private boolean failureReported;

    /** Starts uploading every {@code interval} unless it is zero; errors go to {@code errors}, never to the logs. */
    LogFlusher(List<Log> logs, Store store, Duration interval, long maxBytes, PrintStream errors) {
        this.logs = List.copyOf(logs);
        this.store = store;
        this.maxBytes = maxBytes;
        this.errors = errors;
        this.storedBytes = new long[logs.size()];
        this.tooLarge = new boolean[logs.size()];
        if (interval.isZero()) {
            timer = null;
        } else {
            timer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "stratoflow-log-flusher");
                thread.setDaemon(true);
                return thread;
            });
            long millis = interval.toMillis();
            timer.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The interval that {@value EnvironmentNames#LOG_FLUSH_SECONDS} sets (seconds, fractions allowed; 0 disables the
     * uploads), or the default when it is unset or not a number of seconds.
     */
    static Duration interval(Map<String, String> environment, PrintStream errors) {
        String value = environment.get(EnvironmentNames.LOG_FLUSH_SECONDS);
        if (value == null || value.isBlank()) {
            return DEFAULT_INTERVAL;
        }
        try {
            double seconds = Double.parseDouble(value.strip());
            if (seconds >= 0 && seconds < Long.MAX_VALUE / 1000) {
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.println(EnvironmentNames.LOG_FLUSH_SECONDS + "=" + value + " is not a number of seconds (0 disables); "
                + "the task's logs are stored every " + DEFAULT_INTERVAL.toSeconds() + " s");
        return DEFAULT_INTERVAL;
    }

    /** Uploads each log that grew since its last upload, unless closed or too large. */
    synchronized void flush() {
        for (int i = 0; i < logs.size() && !closed; i++) {
            if (!tooLarge[i]) {
                flush(i);
            }
        }
    }

    private void flush(int i) {
        Log log = logs.get(i);
        try {
            log.writer().flush();
            long size = Files.size(log.file());
            if (size > maxBytes) {
                tooLarge[i] = true;
            } else if (size > storedBytes[i]) {
                try (InputStream content = new Prefix(Files.newInputStream(log.file()), size)) {
                    store.store(log.stream(), content);
                }
                storedBytes[i] = size;
            }
        } catch (IOException | RuntimeException e) {
            if (!failureReported) {
                failureReported = true;
                errors.println("Cannot store the task's " + log.stream() + " while it runs (it is stored when the task ends): " + e);
            }
        }
    }

    /** Stops uploading; returns once an upload under way has ended, so that none can replace the final logs. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The first bytes of a file that may still grow: what was written when the upload began. */
    private static final class Prefix extends FilterInputStream {
        private long remaining;

        Prefix(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
