package io.stratoflow.cli;

import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.StepDefinition;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.runtime.LocalRuntime;
import io.stratoflow.runtime.RunOutcome;
import io.stratoflow.runtime.WorkerLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Runs a local run with Ctrl-C handling and tells the user how it ended. */
final class RunReporter {

    private static final int LOG_TAIL_LINES = 20;

    private final CliContext context;
    private final TaskOutputMode taskOutput;

    RunReporter(CliContext context, TaskOutputMode taskOutput) {
        this.context = context;
        this.taskOutput = taskOutput;
    }

    int runLocally(Datastore datastore, Function<LocalRuntime, RunOutcome> start) {
        warnAboutMemory();
        LocalRuntime runtime = new LocalRuntime(datastore, new ConsoleProgress(context.out, context.flow.graph(), context.terminal, taskOutput));
        Thread stopOnInterrupt = new Thread(() -> {
            runtime.requestStop("stopped by the user (Ctrl-C)");
            try {
                runtime.awaitFinished(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stratoflow-stop");
        Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        RunOutcome outcome;
        try {
            outcome = start.apply(runtime);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running: it waits for the run to be recorded
            }
        }
        report(datastore, outcome);
        return outcome.succeeded() ? 0 : 1;
    }

    private void warnAboutMemory() {
        long machine = WorkerLauncher.physicalMemoryMb();
        for (StepDefinition step : context.flow.steps().values()) {
            if (step.resources().memoryMb() > machine) {
                context.err.println("Warning: step '" + step.name() + "' declares @Resources(memory=" + step.resources().memoryMb()
                        + ") but this machine has " + machine + " MB; locally its tasks get at most "
                        + WorkerLauncher.heapMb(step.resources().memoryMb(), context.maxWorkerHeapMb()) + " MB of heap.");
            }
        }
    }

    private void report(Datastore datastore, RunOutcome outcome) {
        String duration = String.format(Locale.ROOT, "%.1f s", outcome.durationMillis() / 1000.0);
        String run = outcome.flow() + "/" + outcome.runId();
        if (outcome.phase() == RunPhase.SUCCEEDED) {
            context.out.println("Run " + run + " succeeded in " + duration + ".");
            return;
        }
        context.err.println("Run " + run + " " + outcome.phase().name().toLowerCase(Locale.ROOT) + " after " + duration + ": " + outcome.message());
        if (outcome.failure() != null) {
            describeFailure(datastore, outcome);
        }
        context.err.println("Resume it from where it stopped with: resume --origin-run-id " + outcome.runId());
    }

    private void describeFailure(Datastore datastore, RunOutcome outcome) {
        TaskFailure failure = outcome.failure();
        String taskPath = outcome.runId() + "/" + outcome.failedTask().step() + "/" + outcome.failedTask().taskId();
        context.err.println("  Step:      " + outcome.failedTask().step());
        context.err.println("  Task:      " + taskPath + " (attempt " + outcome.failedAttempt() + ")");
        context.err.println("  Exception: " + failure.exceptionType() + (failure.message() == null ? "" : ": " + failure.message()));
        userFrames(failure.stackTrace()).forEach(frame -> context.err.println("             " + frame));
        if (failure.exceptionType().equals(OutOfMemoryError.class.getName())) {
            StepDefinition step = context.flow.step(outcome.failedTask().step());
            context.err.println("  Step '" + step.name() + "' ran out of memory: it declares @Resources(memory=" + step.resources().memoryMb()
                    + ") and a local worker has at most " + WorkerLauncher.heapMb(step.resources().memoryMb(), context.maxWorkerHeapMb()) + " MB. "
                    + "Run it where that memory exists: run --with kubernetes");
        }
        List<String> tail = logTail(datastore, outcome);
        if (!tail.isEmpty()) {
            context.err.println("  Last lines of its output:");
            tail.forEach(line -> context.err.println("    | " + line));
        }
        context.err.println("  Full logs: logs " + taskPath);
    }

    private static List<String> userFrames(String stackTrace) {
        List<String> frames = new ArrayList<>();
        for (String line : stackTrace.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("at ") && !trimmed.contains("java.base/") && !trimmed.contains("io.stratoflow.runtime")) {
                frames.add(trimmed);
                if (frames.size() == 3) {
                    break;
                }
            }
        }
        return frames;
    }

    private List<String> logTail(Datastore datastore, RunOutcome outcome) {
        List<String> lines = new ArrayList<>();
        for (String stream : List.of("stdout", "stderr")) {
            Path log = datastore.runs().logFile(outcome.flow(), outcome.runId(), outcome.failedTask().step(),
                    outcome.failedTask().taskId(), outcome.failedAttempt(), stream);
            try {
                if (Files.exists(log)) {
                    List<String> all = Files.readAllLines(log);
                    if (stream.equals("stderr")) {
                        all = all.stream().filter(l -> !l.startsWith("\tat ") && !l.startsWith("Caused by") && !l.startsWith("\t...")).toList();
                    }
                    lines.addAll(all);
                }
            } catch (IOException e) {
                lines.add("(cannot read " + log + ": " + e.getMessage() + ")");
            }
        }
        return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    }
}
