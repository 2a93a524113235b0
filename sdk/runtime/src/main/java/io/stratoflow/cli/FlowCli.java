package io.stratoflow.cli;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.datastore.ArtifactSerializationException;
import io.stratoflow.cluster.ClusterException;
import io.stratoflow.datastore.DatastoreException;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.graph.GraphValidationException;
import io.stratoflow.task.EnvironmentNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * A flow's command line: {@code run}, {@code resume}, {@code show}, {@code logs}, {@code list}, {@code ui}.
 * Exit codes: 0 success, 1 the run failed or was stopped, 2 the command or the flow is wrong.
 */
public final class FlowCli {

    @Command(mixinStandardHelpOptions = true, version = "Stratoflow 0.1.0",
            description = "Runs and inspects this flow. Start with 'run'; see each command's --help.",
            subcommands = {RunCommand.class, ResumeCommand.class, ShowCommand.class, LogsCommand.class, ListCommand.class,
                    ExportCommand.class, KubernetesCommand.class, UiCommand.class})
    static final class Root implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        private final CliContext context;

        Root(CliContext context) {
            this.context = context;
        }

        @Option(names = "--datastore-root", paramLabel = "<dir>", scope = CommandLine.ScopeType.INHERIT,
                description = "Datastore directory (default: $" + EnvironmentNames.DATASTORE + ", else the nearest .stratoflow directory)")
        void datastoreRoot(Path root) {
            context.datastoreRoot = root;
        }

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: run, resume, show, logs, list, export, kubernetes or ui");
        }
    }

    private FlowCli() {
    }

    public static int execute(Class<? extends FlowSpec> flowClass, String[] args, Map<String, String> environment,
                              Path workingDirectory, PrintStream out, PrintStream err, boolean terminal) {
        FlowDefinition flow;
        try {
            flow = FlowIntrospector.inspect(flowClass);
        } catch (GraphValidationException e) {
            err.println(e.getMessage());
            return 2;
        }
        CliContext context = new CliContext(flow, environment, workingDirectory, out, err, terminal);
        CommandLine line = new CommandLine(new Root(context), new ContextFactory(context));
        line.setCommandName(flow.name());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        ParameterOptions.addTo(line.getSubcommands().get("run").getCommandSpec(), flow);
        ParameterOptions.addTo(line.getSubcommands().get("export").getCommandSpec(), flow);
        line.setCaseInsensitiveEnumValuesAllowed(true); // --task-output none, as its help spells it
        line.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof DatastoreException || exception instanceof IllegalArgumentException
                    || exception instanceof ArtifactSerializationException || exception instanceof UnsupportedOperationException
                    || exception instanceof ClusterException) {
                err.println("Error: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return line.execute(args);
    }

    /** Creates the command objects with the shared context. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.cast(type.getDeclaredConstructor(CliContext.class).newInstance(context));
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
