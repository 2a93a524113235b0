package io.stratoflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How far one log object has been printed: the bytes read so far, and the start of a line not completed yet, held
 * back until its end arrives (or the task has ended), so that a line is never printed in two pieces.
 */
final class LogCursor {

    /** A "line" without an end this long is printed anyway, so that held-back bytes stay bounded. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long offset;

    /** Bytes of the object already read. */
    long offset() {
        return offset;
    }

    /** Reads what follows {@link #offset()} to its end and returns the lines it completes. */
    List<String> consume(InputStream added) throws IOException {
        List<String> lines = new ArrayList<>();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = added.read(buffer)) > 0) {
            offset += n;
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    partial.write(buffer, start, i - start);
                    lines.add(takeLine());
                    start = i + 1;
                } else if (partial.size() + i - start >= MAX_LINE_BYTES) {
                    partial.write(buffer, start, i - start);
                    lines.add(takeLine());
                    start = i;
                }
            }
            partial.write(buffer, start, n - start);
        }
        return lines;
    }

    /** The held-back start of a line, once no more of it can come. */
    Optional<String> flushPartial() {
        return partial.size() == 0 ? Optional.empty() : Optional.of(takeLine());
    }

    private String takeLine() {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
