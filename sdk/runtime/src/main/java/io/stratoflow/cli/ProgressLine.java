package io.stratoflow.cli;

import java.io.PrintStream;

/**
 * One line of live progress. On a terminal it is redrawn in place; otherwise a line is printed when it changes, at
 * most once a second. The last line always shows.
 */
final class ProgressLine {

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalMillis;
    private String lastLine = "";
    private long lastPrintMillis;

    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.intervalMillis = terminal ? 100 : 1000;
    }

    synchronized void show(String line, boolean over) {
        long now = System.currentTimeMillis();
        if (!over && now - lastPrintMillis < intervalMillis) {
            return;
        }
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

    /** Prints other lines above the progress line, which is then drawn again. */
    synchronized void printAbove(Runnable printing) {
        if (terminal && !lastLine.isEmpty()) {
            out.print("\r\033[K");
        }
        printing.run();
        if (terminal && !lastLine.isEmpty()) {
            out.print(lastLine);
        }
        out.flush();
    }
}
