package io.stratoflow.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.ClusterException;
import io.stratoflow.datastore.Datastore;
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
 * Follows a Run on the cluster until it ends: per-step progress as a local run shows it, the tail of a failed task's
 * log from the datastore, and the exit code of a local run (0 succeeded, 1 not).
 */
final class ClusterRunFollower {

    /** How long a new Run may wait for an operator to pick it up before the CLI says none is answering. */
    static final Duration PICKUP_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 500;
    private static final int LOG_TAIL_LINES = 20;

    private final ClusterConnection cluster;
    private final Datastore datastore;
    private final List<String> stepOrder;
    private final String flowName;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressLine progress;
    private final Duration pickupTimeout;

    ClusterRunFollower(ClusterConnection cluster, Datastore datastore, List<String> stepOrder, String flowName, PrintStream out,
                       PrintStream err, boolean terminal, Duration pickupTimeout) {
        this.cluster = cluster;
        this.datastore = datastore;
        this.stepOrder = stepOrder;
        this.flowName = flowName;
        this.out = out;
        this.err = err;
        this.progress = new ProgressLine(out, terminal);
        this.pickupTimeout = pickupTimeout;
    }

    /** @param mixed whether this machine runs the Run's external tasks */
    int follow(String runName, boolean mixed) throws InterruptedException {
        LaptopTasks laptop = mixed ? new LaptopTasks(datastore, runName, progress, out, err) : null;
        try {
            return follow(runName, laptop);
        } finally {
            if (laptop != null) {
                laptop.destroyRemaining();
            }
        }
    }

    private int follow(String runName, LaptopTasks laptop) throws InterruptedException {
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
                boolean over = isFinal(status.phase);
                if (over && laptop != null) {
                    laptop.finish();
                }
                progress.show(line(status), over);
                if (over) {
                    return report(runName, status, System.nanoTime() - start);
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    static boolean isFinal(String phase) {
        return phase != null && (phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Stopped"));
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

    private int report(String runName, RunStatus status, long nanos) {
        String duration = String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        String run = flowName + "/" + runName;
        if (status.phase.equals("Succeeded")) {
            out.println("Run " + run + " succeeded in " + duration + ".");
            return 0;
        }
        err.println("Run " + run + " " + status.phase.toLowerCase(Locale.ROOT) + " after " + duration + ": " + status.message);
        failedTasks(runName).forEach(pod -> showLogTail(runName, pod));
        return 1;
    }

    private List<Pod> failedTasks(String runName) {
        return cluster.client().pods().inNamespace(cluster.namespace()).withLabel(TaskPodKeys.RUN_LABEL, runName).list().getItems()
                .stream().filter(p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())).limit(3).toList();
    }

    private void showLogTail(String runName, Pod pod) {
        String step = pod.getMetadata().getAnnotations().get(TaskPodKeys.STEP_ANNOTATION);
        String task = pod.getMetadata().getAnnotations().get(TaskPodKeys.TASK_ANNOTATION);
        if (step == null || task == null) {
            return;
        }
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
