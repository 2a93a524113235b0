package io.stratoflow.cli;

import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepState;
import io.stratoflow.graph.FlowGraph;

import io.stratoflow.engine.TaskKey;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Live progress of a run, per step: done / running / total. On a terminal the line is redrawn in
 * place; otherwise a line is printed when the numbers change, at most once a second.
 */
final class ConsoleProgress implements io.stratoflow.runtime.ProgressListener {

    private final PrintStream out;
    private final FlowGraph graph;
    private final ProgressLine progressLine;
    private static final int MAX_LINES_PER_TASK = 20;

    private final TaskOutputMode taskOutput;
    private String runId = "";

    ConsoleProgress(PrintStream out, FlowGraph graph, boolean terminal, TaskOutputMode taskOutput) {
        this.out = out;
        this.taskOutput = taskOutput;
        this.graph = graph;
        this.progressLine = new ProgressLine(out, terminal);
    }

    @Override
    public void started(String flow, String runId) {
        this.runId = runId;
        out.println("Run " + flow + "/" + runId + " started.");
    }

    @Override
    public void progress(RunState state) {
        progressLine.show(line(state), state.phase().isFinal());
    }

    /** Shows what a task printed, prefixed with the task, the way Metaflow's local runs do. */
    @Override
    public void taskFinished(TaskKey task, int attempt, boolean succeeded, Path stdout) {
        if (taskOutput == TaskOutputMode.NONE) {
            return;
        }
        List<String> lines;
        try {
            if (!Files.exists(stdout) || Files.size(stdout) == 0) {
                return;
            }
            lines = Files.readAllLines(stdout);
        } catch (IOException e) {
            return;
        }
        String prefix = TaskLinePrefix.of(runId, task.step(), task.taskId(), attempt);
        List<String> shownLines = lines;
        progressLine.printAbove(() -> {
            int shown = Math.min(shownLines.size(), MAX_LINES_PER_TASK);
            for (int i = 0; i < shown; i++) {
                out.println(prefix + shownLines.get(i));
            }
            if (shownLines.size() > shown) {
                out.println(prefix + "... " + (shownLines.size() - shown) + " more lines: logs " + runId + "/" + task.step() + "/" + task.taskId());
            }
        });
    }

    String line(RunState state) {
        StringBuilder text = new StringBuilder();
        for (String step : graph.topologicalOrder()) {
            StepState progress = state.steps().get(step);
            int done = progress == null ? 0 : progress.succeededCount();
            int running = state.runningCount(step);
            String total = progress == null || progress.frames().isEmpty() ? "?" : Integer.toString(progress.knownTotal());
            if (text.length() > 0) {
                text.append("  ");
            }
            text.append(step).append(' ').append(done).append('/').append(total);
            if (running > 0) {
                text.append(" (").append(running).append(" running)");
            }
        }
        return text.toString();
    }
}
