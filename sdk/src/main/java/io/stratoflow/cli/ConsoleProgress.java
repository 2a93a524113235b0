package io.stratoflow.cli;

import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepState;
import io.stratoflow.graph.FlowGraph;

import java.io.PrintStream;

/**
 * Live progress of a run, per step: done / running / total. On a terminal the line is redrawn in
 * place; otherwise a line is printed when the numbers change, at most once a second.
 */
final class ConsoleProgress implements io.stratoflow.runtime.ProgressListener {

    private final PrintStream out;
    private final FlowGraph graph;
    private final boolean terminal;
    private final long intervalMillis;
    private String lastLine = "";
    private long lastPrintMillis;

    ConsoleProgress(PrintStream out, FlowGraph graph, boolean terminal) {
        this.out = out;
        this.graph = graph;
        this.terminal = terminal;
        this.intervalMillis = terminal ? 100 : 1000;
    }

    @Override
    public void started(String flow, String runId) {
        out.println("Run " + flow + "/" + runId + " started.");
    }

    @Override
    public void progress(RunState state) {
        long now = System.currentTimeMillis();
        boolean over = state.phase().isFinal();
        if (!over && now - lastPrintMillis < intervalMillis) {
            return;
        }
        String line = line(state);
        if (line.equals(lastLine)) {
            return;
        }
        lastLine = line;
        lastPrintMillis = now;
        if (terminal) {
            out.print("\r\033[K" + line + (over ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
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
