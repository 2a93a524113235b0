package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.ClusterDatastore;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Prints what tasks wrote to stdout and stderr, "
        + "from the local datastore or, for a run on the cluster, from the cluster's.")
final class LogsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN/STEP[/TASK]", description = "e.g. 1732230000123/train or scalable-flow-1201-102233-x1/train/2")
    String pathspec;

    @Option(names = "--stdout", description = "Only stdout")
    boolean onlyStdout;

    @Option(names = "--stderr", description = "Only stderr")
    boolean onlyStderr;

    @Option(names = {"-f", "--follow"}, description = "Keep printing a task's output as it comes, until the task ends")
    boolean follow;

    @Option(names = {"-n", "--namespace"}, paramLabel = "<namespace>", description = "Namespace of a cluster run (default: the kube context's)")
    String namespace;

    private final CliContext context;

    LogsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        String[] parts = pathspec.split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Expected RUN/STEP or RUN/STEP/TASK, got '" + pathspec + "'");
        }
        if (!context.flow.graph().hasStep(parts[1])) {
            throw new IllegalArgumentException("Flow " + context.flow.name() + " has no step '" + parts[1] + "'; its steps are "
                    + context.flow.graph().topologicalOrder());
        }
        if (follow && parts.length < 3) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--follow tails one task: give RUN/STEP/TASK");
        }
        String task = parts.length == 3 ? parts[2] : null;
        if (ClusterDatastore.isClusterRunId(parts[0])) {
            try (ClusterConnection cluster = ClusterConnection.open(namespace, context.environment);
                 Datastore datastore = ClusterDatastore.open(cluster, context.environment)) {
                return show(datastore, parts[0], parts[1], task);
            }
        }
        Datastore datastore = context.datastore();
        if (datastore.runs().readRun(context.flow.name(), parts[0]).isEmpty()) {
            throw new IllegalArgumentException("Flow " + context.flow.name() + " has no run " + parts[0] + " in " + datastore.root()
                    + "; see 'list'");
        }
        return show(datastore, parts[0], parts[1], task);
    }

    private int show(Datastore datastore, String run, String step, String task) throws IOException, InterruptedException {
        if (follow) {
            new LogFollower(datastore, context.flow.name(), run, step, task, streams(), context.out, context.err).follow();
            return 0;
        }
        List<String> tasks = new ArrayList<>();
        if (task != null) {
            tasks.add(task);
        } else {
            datastore.runs().listTasks(context.flow.name(), run, step).stream().map(TaskRecord::taskId).forEach(tasks::add);
        }
        if (tasks.isEmpty()) {
            context.err.println("Step " + step + " of run " + run + " has no finished tasks yet; follow one with logs --follow "
                    + run + "/" + step + "/0");
            return 1;
        }
        boolean found = false;
        for (String id : tasks) {
            if (tasks.size() > 1) {
                context.out.println("=== " + run + "/" + step + "/" + id + " ===");
            }
            found |= print(datastore, run, step, id);
        }
        if (!found) {
            context.err.println("No logs for " + pathspec + ": the task has not run (or does not exist).");
            return 1;
        }
        return 0;
    }

    private List<String> streams() {
        return onlyStdout ? List.of("stdout") : onlyStderr ? List.of("stderr") : List.of("stdout", "stderr");
    }

    private boolean print(Datastore datastore, String run, String step, String task) throws IOException {
        boolean found = false;
        for (String stream : streams()) {
            Optional<InputStream> log = datastore.runs().openLatestLog(context.flow.name(), run, step, task, stream);
            if (log.isPresent()) {
                found = true;
                try (InputStream in = log.get()) {
                    in.transferTo(stream.equals("stdout") ? context.out : context.err);
                }
            }
        }
        return found;
    }
}
