package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Tails one task's logs in the datastore, which a running task extends every few seconds: prints what is new, starts
 * over when a retry begins a new attempt, and stops once the task's record says it ended and its last output is shown.
 */
final class LogFollower {

    private static final long POLL_MILLIS = 1000;

    private final Datastore datastore;
    private final String flow;
    private final String run;
    private final String step;
    private final String task;
    private final List<String> streams;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Long> printed = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();

    LogFollower(Datastore datastore, String flow, String run, String step, String task, List<String> streams, PrintStream out,
                PrintStream err) {
        this.datastore = datastore;
        this.flow = flow;
        this.run = run;
        this.step = step;
        this.task = task;
        this.streams = streams;
        this.out = out;
        this.err = err;
    }

    void follow() throws IOException, InterruptedException {
        while (true) {
            boolean ended = datastore.runs().readTask(flow, run, step, task).isPresent();
            for (String stream : streams) {
                printNew(stream);
            }
            if (ended) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private void printNew(String stream) throws IOException {
        OptionalInt attempt = datastore.runs().latestLogAttempt(flow, run, step, task, stream);
        if (attempt.isEmpty()) {
            return;
        }
        Integer before = attempts.put(stream, attempt.getAsInt());
        if (before != null && before != attempt.getAsInt()) {
            printed.put(stream, 0L);
            err.println("--- " + run + "/" + step + "/" + task + " attempt " + attempt.getAsInt() + " ---");
        }
        Optional<InputStream> log = datastore.runs().openLog(flow, run, step, task, attempt.getAsInt(), stream);
        if (log.isEmpty()) {
            return;
        }
        long skip = printed.getOrDefault(stream, 0L);
        try (InputStream in = log.get()) {
            in.skipNBytes(skip);
            printed.put(stream, skip + in.transferTo(stream.equals("stdout") ? out : err));
        } catch (java.io.EOFException rewritten) {
            printed.put(stream, 0L);
        }
        (stream.equals("stdout") ? out : err).flush();
    }
}
