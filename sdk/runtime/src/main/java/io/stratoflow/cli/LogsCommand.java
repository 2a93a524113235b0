package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Prints what tasks wrote to stdout and stderr.")
final class LogsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN/STEP[/TASK]", description = "e.g. 1732230000123/train or 1732230000123/train/2")
    String pathspec;

    @Option(names = "--stdout", description = "Only stdout")
    boolean onlyStdout;

    @Option(names = "--stderr", description = "Only stderr")
    boolean onlyStderr;

    private final CliContext context;

    LogsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        String[] parts = pathspec.split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Expected RUN/STEP or RUN/STEP/TASK, got '" + pathspec + "'");
        }
        String flow = context.flow.name();
        Datastore datastore = context.datastore();
        if (datastore.runs().readRun(flow, parts[0]).isEmpty()) {
            throw new IllegalArgumentException("Flow " + flow + " has no run " + parts[0] + " in " + datastore.root() + "; see 'list'");
        }
        if (!context.flow.graph().hasStep(parts[1])) {
            throw new IllegalArgumentException("Flow " + flow + " has no step '" + parts[1] + "'; its steps are " + context.flow.graph().topologicalOrder());
        }
        List<String> tasks = new ArrayList<>();
        if (parts.length == 3) {
            tasks.add(parts[2]);
        } else {
            datastore.runs().listTasks(flow, parts[0], parts[1]).stream().map(TaskRecord::taskId).forEach(tasks::add);
        }
        if (tasks.isEmpty()) {
            context.err.println("Step " + parts[1] + " of run " + parts[0] + " has no tasks yet.");
            return 1;
        }
        boolean found = false;
        for (String task : tasks) {
            if (tasks.size() > 1) {
                context.out.println("=== " + parts[0] + "/" + parts[1] + "/" + task + " ===");
            }
            found |= print(datastore, flow, parts[0], parts[1], task);
        }
        if (!found) {
            context.err.println("No logs for " + pathspec + ": the task has not run (or does not exist).");
            return 1;
        }
        return 0;
    }

    private boolean print(Datastore datastore, String flow, String run, String step, String task) throws IOException {
        boolean found = false;
        for (String stream : List.of("stdout", "stderr")) {
            if (stream.equals("stdout") && onlyStderr || stream.equals("stderr") && onlyStdout) {
                continue;
            }
            Optional<Path> log = datastore.runs().latestLog(flow, run, step, task, stream);
            if (log.isPresent()) {
                found = true;
                String text = Files.readString(log.get());
                (stream.equals("stdout") ? context.out : context.err).print(text);
            }
        }
        return found;
    }
}
