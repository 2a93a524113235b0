package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterDatastore;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.export.KubernetesDecorator;
import io.stratoflow.export.KubernetesOverrides;
import io.stratoflow.model.ResumeSpec;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.runtime.RunOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
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

    @CommandLine.Mixin
    TaskOutputOption taskOutput = new TaskOutputOption();

    @Option(names = "--with", paramLabel = "<decorator>", description = "Resume on the cluster (as run --with kubernetes[:…]); "
            + "the default for a run that ran there")
    List<String> with = List.of();

    @Option(names = {"-n", "--namespace"}, paramLabel = "<namespace>", description = "Namespace of a cluster run (default: the kube context's)")
    String namespace;


    private final CliContext context;

    ResumeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        parallelism.validate();
        if (!with.isEmpty() || originRunId != null && ClusterDatastore.isClusterRunId(originRunId)) {
            return resumeOnTheCluster();
        }
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
        return new RunReporter(context, taskOutput.mode).runLocally(datastore, runtime -> runtime.resume(context.flow, from, step, options));
    }

    /** A new Run on the cluster that clones the origin's successful tasks before the step, with this machine's code. */
    private int resumeOnTheCluster() {
        if (originRunId == null) {
            throw new IllegalArgumentException("Resuming on the cluster needs --origin-run-id: the name of the Run to resume "
                    + "(kubernetes list shows them).");
        }
        KubernetesDecorator decorator = KubernetesDecorator.NONE;
        for (String text : with) {
            decorator = KubernetesOverrides.parse(text);
        }
        ResumeSpec resume = new ResumeSpec();
        resume.originRun = originRunId;
        resume.step = step;
        context.out.println("Resuming " + context.flow.name() + "/" + originRunId + (step == null ? "" : " from step " + step)
                + " on the cluster.");
        return new ClusterRun(context).run(namespace, Map.of(), decorator, parallelism.maxWorkers, parallelism.maxNumSplits, resume, null, false, taskOutput.mode);
    }
}
