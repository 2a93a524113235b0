package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.runtime.RunOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Runs the flow again, cloning the successful tasks of an earlier run that come before STEP.")
final class ResumeCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "STEP",
            description = "Step to rerun from, with everything after it (default: rerun only what did not succeed)")
    String step;

    @Option(names = "--origin-run-id", paramLabel = "<id>", description = "Run to resume (default: the latest run of this flow)")
    String originRunId;

    @CommandLine.Mixin
    Parallelism parallelism = new Parallelism();


    private final CliContext context;

    ResumeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        parallelism.validate();
        Datastore datastore = context.datastore();
        String origin = originRunId;
        if (origin == null) {
            origin = datastore.runs().listRuns(context.flow.name()).stream().findFirst().map(RunRecord::runId)
                    .orElseThrow(() -> new IllegalArgumentException("Flow " + context.flow.name() + " has no run to resume in "
                            + datastore.root()));
        }
        String from = origin;
        RunOptions options = new RunOptions(Map.of(), parallelism.maxWorkers, parallelism.maxNumSplits, context.maxWorkerHeapMb());
        context.out.println("Resuming " + context.flow.name() + "/" + from + (step == null ? "" : " from step " + step) + ".");
        return new RunReporter(context).runLocally(datastore, runtime -> runtime.resume(context.flow, from, step, options));
    }
}
