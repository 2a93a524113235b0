package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the flow's runs, newest first, with status and duration.")
final class ListCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "20", description = "How many runs to show (default: ${DEFAULT-VALUE})")
    int limit;

    private final CliContext context;

    ListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Datastore datastore = context.datastore();
        List<RunRecord> runs = datastore.runs().listRuns(context.flow.name());
        if (runs.isEmpty()) {
            context.out.println("No runs of " + context.flow.name() + " in " + datastore.root() + ".");
            return 0;
        }
        String format = "%-16s %-10s %-20s %10s  %s%n";
        context.out.printf(Locale.ROOT, format, "RUN", "STATUS", "STARTED", "DURATION", "NOTE");
        long now = System.currentTimeMillis();
        for (RunRecord run : runs.subList(0, Math.min(limit, runs.size()))) {
            String note = run.origin() == null ? "" : "resumed from " + run.origin() + (run.resumeStep() == null ? "" : " at " + run.resumeStep());
            context.out.printf(Locale.ROOT, format, run.runId(), run.phase(), TIME.format(Instant.ofEpochMilli(run.startedAtMillis())),
                    String.format(Locale.ROOT, "%.1fs", run.durationMillis(now) / 1000.0), note);
        }
        return 0;
    }
}
