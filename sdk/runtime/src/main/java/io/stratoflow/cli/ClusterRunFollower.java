package io.stratoflow.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.ClusterException;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;
import io.stratoflow.model.StepProgress;
import io.stratoflow.model.TaskPodKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Follows a Run on the cluster until it ends: per-step progress as a local run shows it, what its tasks print (see
 * {@link TaskOutputPrinter}), the tail of a failed task's log from the datastore when its output was not printed, and
 * the exit code of a local run (0 succeeded, 1 not).
 */
final class ClusterRunFollower {

    /** How long a new Run may wait for an operator to pick it up before the CLI says none is answering. */
    static final Duration PICKUP_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 500;
    private static final int LOG_TAIL_LINES = 20;
    /** Failed tasks whose last lines the report shows, when their output was not printed while they ran. */
    private static final int FAILED_TAILS = 3;

    private final ClusterConnection cluster;
    private final Datastore datastore;
    private final List<String> stepOrder;
    private final String flowName;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressLine progress;
    private final Duration pickupTimeout;
    private final TaskOutputMode taskOutput;
    private final boolean resumed;

    /**
     * @param taskOutput how much of its tasks' output to print while the Run runs
     * @param resumed    whether the Run resumes another (its cloned tasks' output is not printed again)
     */
    ClusterRunFollower(ClusterConnection cluster, Datastore datastore, List<String> stepOrder, String flowName, PrintStream out,
                       PrintStream err, boolean terminal, Duration pickupTimeout, TaskOutputMode taskOutput, boolean resumed) {
        this.cluster = cluster;
        this.datastore = datastore;
        this.stepOrder = stepOrder;
        this.flowName = flowName;
        this.out = out;
        this.err = err;
        this.progress = new ProgressLine(out, terminal);
        this.pickupTimeout = pickupTimeout;
        this.taskOutput = taskOutput;
        this.resumed = resumed;
    }

    /** @param mixed whether this machine runs the Run's external tasks */
    int follow(String runName, boolean mixed) throws InterruptedException {
        LaptopTasks laptop = mixed ? new LaptopTasks(datastore, runName, progress, out, err) : null;
        // a laptop task's output is printed as it runs here, not again from the datastore
        TaskOutputPrinter printer = new TaskOutputPrinter(datastore.runs(), datastore.location().describe(), flowName, runName,
                new ShownTasks(taskOutput, ShownTasks.PER_STEP), (step, task) -> laptop != null && laptop.runsHere(step, task), resumed,
                progress, out, err);
        try {
            return follow(runName, laptop, printer);
        } finally {
            if (laptop != null) {
                laptop.destroyRemaining();
            }
        }
    }

    private int follow(String runName, LaptopTasks laptop, TaskOutputPrinter printer) throws InterruptedException {
        long start = System.nanoTime();
        out.println("Run " + flowName + "/" + runName + " created in namespace " + cluster.namespace() + "; following it "
                + "(kubectl -n " + cluster.namespace() + " get run " + runName + ").");
        while (true) {
            Run run = cluster.client().resources(Run.class).inNamespace(cluster.namespace()).withName(runName).get();
            if (run == null) {
                throw new ClusterException("Run " + cluster.namespace() + "/" + runName + " was deleted before it ended.");
            }
            RunStatus status = run.getStatus();
            if (status == null || status.phase == null) {
                if (System.nanoTime() - start > pickupTimeout.toNanos()) {
                    cluster.client().resource(run).delete();
                    throw new ClusterException("No Stratoflow operator picked up Run " + cluster.namespace() + "/" + runName + " within "
                            + pickupTimeout.toSeconds() + " s, so the Run was deleted. Is the operator running and watching namespace '"
                            + cluster.namespace() + "'? (kubectl -n stratoflow-system get pods)");
                }
            } else {
                if (laptop != null && status.externalTasks != null) {
                    laptop.offer(status.externalTasks);
                }
                if (RunPhase.isFinalStatus(status.phase)) {
                    if (laptop != null) {
                        laptop.finish();
                    }
                    List<FailedTask> failed = RunPhase.SUCCEEDED.statusName().equals(status.phase) ? List.of() : failedTasks(runName);
                    failed.forEach(task -> printer.failed(task.step(), task.taskId()));
                    printer.finish();
                    progress.show(line(status), true);
                    return report(runName, status, System.nanoTime() - start, failed, printer);
                }
                printer.passIfDue();
                progress.show(line(status), false);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private String line(RunStatus status) {
        StringBuilder text = new StringBuilder();
        for (String step : stepOrder) {
            StepProgress counts = status.steps.get(step);
            if (text.length() > 0) {
                text.append("  ");
            }
            text.append(step).append(' ').append(counts == null ? 0 : counts.done).append('/')
                    .append(counts == null || counts.total == 0 ? "?" : Integer.toString(counts.total));
            if (counts != null && counts.running > 0) {
                text.append(" (").append(counts.running).append(" running)");
            }
        }
        return text.toString();
    }

    private int report(String runName, RunStatus status, long nanos, List<FailedTask> failed, TaskOutputPrinter printer) {
        String duration = String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        String run = flowName + "/" + runName;
        if (RunPhase.SUCCEEDED.statusName().equals(status.phase)) {
            out.println("Run " + run + " succeeded in " + duration + ".");
            return 0;
        }
        err.println("Run " + run + " " + status.phase.toLowerCase(Locale.ROOT) + " after " + duration + ": " + status.message);
        int tails = 0;
        for (FailedTask task : failed) {
            String path = runName + "/" + task.step() + "/" + task.taskId();
            if (printer.printed(task.step(), task.taskId())) {
                err.println("  Task " + path + " failed; its output is above. Full logs: logs " + path);
            } else if (tails++ < FAILED_TAILS) {
                showLogTail(runName, task.step(), task.taskId());
            }
        }
        return 1;
    }

    /** A task whose Pod failed. */
    private record FailedTask(String step, String taskId) {
    }

    private List<FailedTask> failedTasks(String runName) {
        return cluster.client().pods().inNamespace(cluster.namespace()).withLabel(TaskPodKeys.RUN_LABEL, runName).list().getItems()
                .stream().filter(p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()))
                .map(Pod::getMetadata).filter(m -> m.getAnnotations() != null)
                .map(m -> new FailedTask(m.getAnnotations().get(TaskPodKeys.STEP_ANNOTATION), m.getAnnotations().get(TaskPodKeys.TASK_ANNOTATION)))
                .filter(t -> t.step() != null && t.taskId() != null).distinct().toList();
    }

    private void showLogTail(String runName, String step, String task) {
        String path = runName + "/" + step + "/" + task;
        Deque<String> tail = new ArrayDeque<>();
        for (String stream : List.of("stdout", "stderr")) {
            try {
                Optional<InputStream> log = datastore.runs().openLatestLog(flowName, runName, step, task, stream);
                if (log.isPresent()) {
                    try (InputStream in = log.get()) {
                        new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(line -> {
                            tail.addLast(line);
                            if (tail.size() > LOG_TAIL_LINES) {
                                tail.removeFirst();
                            }
                        });
                    }
                }
            } catch (IOException | RuntimeException e) {
                tail.addLast("(cannot read its " + stream + " from " + datastore.location().describe() + ": " + e.getMessage() + ")");
            }
        }
        if (!tail.isEmpty()) {
            err.println("  Last lines of task " + path + ":");
            tail.forEach(line -> err.println("    | " + line));
        }
        err.println("  Full logs: logs " + path);
    }
}
