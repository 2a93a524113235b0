package io.stratoflow.cli;

import io.stratoflow.datastore.RunOutputListing;
import io.stratoflow.datastore.RunOutputListing.TaskLog;
import io.stratoflow.datastore.RunStore;
import io.stratoflow.datastore.TaskRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Prints what the tasks of a run on the cluster print, with the prefix of a local run's lines, while they run. Task
 * runners store each log whole every few seconds, so every {@link #INTERVAL} ONE listing of the run's keys shows
 * which logs grew; only the new bytes of the logs that grew and are shown are read. A line is printed once complete;
 * a retried task's attempts are told apart by their prefix ({@code [run/step/task attempt 1]}), as in a local run,
 * because lines of several tasks interleave and a separator line would not say whose attempt begins.
 */
final class TaskOutputPrinter {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final RunStore runs;
    private final String location;
    private final String flow;
    private final String runName;
    private final ShownTasks shown;
    private final BiPredicate<String, String> printedHere;
    private final boolean resumed;
    private final ProgressLine progress;
    private final PrintStream out;
    private final PrintStream err;

    private final Map<String, LogCursor> cursors = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final Set<String> notPrinted = new HashSet<>();
    private final Set<String> stepsAnnounced = new HashSet<>();
    private long lastPassNanos;
    private boolean unreadable;

    /**
     * @param printedHere for a mixed run, whether a task (step, task id) runs on this machine, whose output is printed
     *                    as it runs here
     * @param resumed     whether the run is a resume, whose cloned tasks' logs are copies not worth printing again
     */
    TaskOutputPrinter(RunStore runs, String location, String flow, String runName, ShownTasks shown,
                      BiPredicate<String, String> printedHere, boolean resumed, ProgressLine progress, PrintStream out, PrintStream err) {
        this.runs = runs;
        this.location = location;
        this.flow = flow;
        this.runName = runName;
        this.shown = shown;
        this.printedHere = printedHere;
        this.resumed = resumed;
        this.progress = progress;
        this.out = out;
        this.err = err;
        this.lastPassNanos = System.nanoTime();
    }

    /** A pass, if the last one is an interval ago. */
    void passIfDue() {
        long now = System.nanoTime();
        if (now - lastPassNanos >= INTERVAL.toNanos()) {
            lastPassNanos = now;
            pass(false);
        }
    }

    /** A task that failed: its output is printed even beyond the limit of its step. */
    void failed(String step, String taskId) {
        shown.failed(step, taskId);
    }

    /** The last pass, once the run has ended: prints every shown task's last lines, and what was not shown. */
    void finish() {
        pass(true);
        shown.hiddenCounts().forEach((step, count) -> progress.printAbove(() -> out.println("... output of " + count + " more "
                + (count == 1 ? "task" : "tasks") + " of step " + step + " not shown; logs " + runName + "/" + step + " shows it")));
    }

    /** Whether this printer printed the task's output (so a report of its failure need not repeat it). */
    boolean printed(String step, String taskId) {
        return shown.isShown(step, taskId) && !notPrinted.contains(step + "/" + taskId);
    }

    /** One listing; then, for each shown log that grew, a read of what is new. */
    void pass(boolean last) {
        if (!shown.showsAny()) {
            return;
        }
        try {
            RunOutputListing listing = runs.listOutput(flow, runName);
            for (TaskLog log : listing.logs()) {
                if (log.attempt() > 0) {
                    shown.failed(log.step(), log.taskId()); // an earlier attempt failed
                }
            }
            for (TaskLog log : listing.logs()) {
                print(log, listing, last);
            }
        } catch (IOException | RuntimeException e) {
            if (!unreadable) {
                unreadable = true;
                progress.printAbove(() -> err.println("Task output cannot be read from " + location + " (" + e.getMessage()
                        + "); following the run's progress without it (logs RUN/STEP/TASK shows it later)."));
            }
        }
    }

    private void print(TaskLog log, RunOutputListing listing, boolean last) throws IOException {
        if (seen.add(log.task())) {
            firstSeen(log, listing);
        }
        if (notPrinted.contains(log.task()) || !shown.isShown(log.step(), log.taskId())) {
            return;
        }
        LogCursor cursor = cursors.computeIfAbsent(log.task() + "/" + log.attempt() + "." + log.stream(), key -> new LogCursor());
        List<String> lines = new ArrayList<>();
        boolean grew = log.size() > cursor.offset();
        if (grew) {
            try (InputStream added = runs.openLog(flow, runName, log.step(), log.taskId(), log.attempt(), log.stream(), cursor.offset())
                    .orElse(InputStream.nullInputStream())) {
                lines.addAll(cursor.consume(added));
            }
        }
        // A task writes its record before its last log upload: a held-back line ends only once its log stopped growing.
        if (last || !grew && listing.ended(log.step(), log.taskId())) {
            cursor.flushPartial().ifPresent(lines::add);
        }
        if (!lines.isEmpty()) {
            String prefix = TaskLinePrefix.of(runName, log.step(), log.taskId(), log.attempt());
            PrintStream target = log.stream().equals("stderr") ? err : out;
            progress.printAbove(() -> lines.forEach(line -> target.println(prefix + line)));
        }
    }

    private void firstSeen(TaskLog log, RunOutputListing listing) {
        if (printedHere.test(log.step(), log.taskId())) {
            notPrinted.add(log.task());
        } else if (resumed && listing.ended(log.step(), log.taskId()) && shown.wouldShow(log.step(), log.taskId()) && cloned(log)) {
            notPrinted.add(log.task());
        } else if (!shown.decide(log.step(), log.taskId()) && stepsAnnounced.add(log.step())) {
            progress.printAbove(() -> out.println("Output of step " + log.step() + "'s tasks after the first " + shown.perStep()
                    + " is not shown, except failed tasks' (logs " + runName + "/" + log.step() + " shows it; --task-output all prints it)."));
        }
    }

    /** Only read for a task first seen ended, in a resumed run: a task cloned from the origin run ended before it began. */
    private boolean cloned(TaskLog log) {
        return runs.readTask(flow, runName, log.step(), log.taskId()).map(r -> TaskRecord.CLONED.equals(r.status())).orElse(false);
    }
}
