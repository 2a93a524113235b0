package io.stratoflow.testflows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.cli.FlowCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a flow's CLI in this JVM and keeps what it printed. */
public record CliRun(int exitCode, String out, String err, long millis) {

    public static CliRun of(Class<? extends FlowSpec> flow, Path datastore, String... args) {
        return withEnvironment(flow, datastore, Map.of(), args);
    }

    public static CliRun withEnvironment(Class<? extends FlowSpec> flow, Path datastore, Map<String, String> environment,
                                         String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (datastore != null) {
            all.add("--datastore-root");
            all.add(datastore.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = FlowCli.execute(flow, all.toArray(String[]::new), environment, datastore == null ? Path.of("") : datastore, o, e, false);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** The run id from the "Run Flow/ID started." line. */
    public String runId() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Run \\w+/(\\d+) started").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no run started; out:\n" + out + "\nerr:\n" + err);
        }
        return m.group(1);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + " after " + millis + " ms\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
