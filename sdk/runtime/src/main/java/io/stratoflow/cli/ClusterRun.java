package io.stratoflow.cli;

import io.stratoflow.cluster.ClusterConnection;
import io.stratoflow.cluster.ClusterDatastore;
import io.stratoflow.cluster.RunStopRequest;
import io.stratoflow.cluster.ClusterSubmitter;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.export.KubernetesDecorator;
import io.stratoflow.model.ResumeSpec;
import io.stratoflow.model.Run;

import java.time.Duration;
import java.util.Map;

/**
 * {@code run --with kubernetes}: the whole flow on the cluster. Submits it, follows it, and stops it (deleting its Pods)
 * when the user presses Ctrl-C or closes the terminal.
 */
final class ClusterRun {

    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final CliContext context;

    ClusterRun(CliContext context) {
        this.context = context;
    }

    /**
     * @param resume  the run to resume and from which step, or null for a new run
     * @param runName the Run's name, or null for one made of the flow's name and the time
     * @param mixed   whether the steps without {@code @Kubernetes} run here (a mixed run) instead of on the cluster
     * @param taskOutput how much of what the tasks print to show while the run runs
     */
    int run(String namespace, Map<String, Object> parameters, KubernetesDecorator decorator, int maxWorkers, int maxNumSplits,
            ResumeSpec resume, String runName, boolean mixed, TaskOutputMode taskOutput) {
        try (ClusterConnection cluster = ClusterConnection.open(namespace, context.environment)) {
            ClusterSubmitter submitter = new ClusterSubmitter(cluster, context.err);
            submitter.checkInstalled();
            try (Datastore datastore = ClusterDatastore.open(cluster, context.environment)) {
                Run run = submitter.submit(context.flow, datastore, parameters, decorator, maxWorkers, maxNumSplits, user(), resume, runName, mixed);
                String name = run.getMetadata().getName();
                Thread stopper = new Thread(() -> stop(cluster, name), "stratoflow-stop");
                Runtime.getRuntime().addShutdownHook(stopper);
                try {
                    return new ClusterRunFollower(cluster, datastore, context.flow.graph().topologicalOrder(), context.flow.name(),
                            context.out, context.err, context.terminal, ClusterRunFollower.PICKUP_TIMEOUT, taskOutput, resume != null)
                            .follow(name, mixed);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(stopper);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: it stops the Run, with this connection, which must stay open until it is done
                        awaitStop(stopper);
                    }
                }
            }
        }
    }

    private static void awaitStop(Thread stopper) {
        try {
            stopper.join(STOP_WAIT.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the Run's spec.stop, so that the operator deletes its Pods, and waits a little for it to say so. */
    private void stop(ClusterConnection cluster, String name) {
        try {
            Run run = cluster.client().resources(Run.class).inNamespace(cluster.namespace()).withName(name).get();
            if (run == null || run.getStatus() != null && RunPhase.isFinalStatus(run.getStatus().phase)) {
                return;
            }
            RunStopRequest.send(cluster, name);
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Run now = cluster.client().resources(Run.class).inNamespace(cluster.namespace()).withName(name).get();
                if (now == null || now.getStatus() != null && RunPhase.isFinalStatus(now.getStatus().phase)) {
                    context.err.println("\nStopped Run " + cluster.namespace() + "/" + name + " (interrupted): the operator deleted its Pods.");
                    return;
                }
                Thread.sleep(250);
            }
            context.err.println("\nAsked the operator to stop Run " + cluster.namespace() + "/" + name
                    + " (spec.stop); it has not confirmed yet: kubectl -n " + cluster.namespace() + " get run " + name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            context.err.println("\nCould not stop Run " + cluster.namespace() + "/" + name + ": " + e.getMessage()
                    + "; stop it with kubectl -n " + cluster.namespace() + " patch run " + name + " --type merge -p '{\"spec\":{\"stop\":true}}'");
        }
    }

    private String user() {
        return currentUser(context.environment);
    }

    /** Who runs this command: $USER (or $USERNAME), else the JVM's user name. */
    static String currentUser(java.util.Map<String, String> environment) {
        return environment.getOrDefault("USER", environment.getOrDefault("USERNAME", System.getProperty("user.name")));
    }

    static String labelValue(String user) {
        return io.stratoflow.cluster.ClusterSubmitter.labelValue(user);
    }
}
