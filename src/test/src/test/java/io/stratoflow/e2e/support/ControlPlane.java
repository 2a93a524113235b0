package io.stratoflow.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Kubernetes cluster for the tests: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and KWOK, and real nodes (the kubelet with containerd), built from Go modules by
 * {@code dev/build-control-plane.sh} (once, cached under ~/.cache/stratoflow) and run by
 * {@code dev/cluster}, on ports, host addresses and Pod subnets of its own so that a developer's
 * cluster can run beside it.
 */
public final class ControlPlane {

    private final Path project;
    private final Path clusterDir;
    private final Map<String, String> environment = new HashMap<>();

    public ControlPlane(Path project) {
        this(project, "e2e-cluster", 0, Map.of());
    }

    /**
     * The suite's cluster: KWOK's fake nodes and one executing node; the tests bring their own S3 server and operator.
     *
     * @param portOffset added to every port (a multiple of 100 below 1400: it also picks the cluster's host address
     *                   and Pod subnets), so that clusters of different purposes run side by side
     * @param extra      further dev/cluster settings, e.g. STRATOFLOW_NODES_FILE
     */
    public ControlPlane(Path project, String name, int portOffset, Map<String, String> extra) {
        this(project, name, portOffset);
        environment.put("STRATOFLOW_NODES_FILE", project.resolve("dev/kwok/nodes.yaml").toString());
        environment.put("STRATOFLOW_EXEC_NODES", "1");
        environment.put("STRATOFLOW_S3", "0");
        environment.put("STRATOFLOW_OPERATOR", "0");
        environment.putAll(extra);
    }

    /** What {@code dev/cluster up} starts with no settings (executing nodes per pool, S3 server, operator), on ports of its own. */
    public static ControlPlane devStack(Path project, String name, int portOffset) {
        return devStack(project, name, portOffset, Map.of());
    }

    /** The dev stack with further dev/cluster settings, e.g. STRATOFLOW_OPERATOR=0 where the chart deploys the operator. */
    public static ControlPlane devStack(Path project, String name, int portOffset, Map<String, String> extra) {
        ControlPlane stack = new ControlPlane(project, name, portOffset);
        stack.environment.put("STRATOFLOW_S3_PORT", Integer.toString(17070 + portOffset));
        stack.environment.put("STRATOFLOW_OPERATOR_PORT", Integer.toString(18080 + portOffset));
        stack.environment.put("STRATOFLOW_WEB_PORT", Integer.toString(18081 + portOffset));
        stack.environment.putAll(extra);
        return stack;
    }

    private ControlPlane(Path project, String name, int portOffset) {
        this.project = project;
        String cache = System.getenv().getOrDefault("STRATOFLOW_CACHE", System.getProperty("user.home") + "/.cache/stratoflow");
        this.clusterDir = Path.of(cache, name);
        environment.put("STRATOFLOW_CLUSTER_DIR", clusterDir.toString());
        environment.put("STRATOFLOW_APISERVER_PORT", Integer.toString(26443 + portOffset));
        environment.put("STRATOFLOW_ETCD_PORT", Integer.toString(22379 + portOffset));
        environment.put("STRATOFLOW_ETCD_PEER_PORT", Integer.toString(22380 + portOffset));
        environment.put("STRATOFLOW_KCM_PORT", Integer.toString(30257 + portOffset));
        environment.put("STRATOFLOW_SCHEDULER_PORT", Integer.toString(30259 + portOffset));
        environment.put("STRATOFLOW_NODE_SLOT", Integer.toString(1 + portOffset / 100));
    }

    public void start() {
        run(List.of("dev/build-control-plane.sh"));
        run(List.of("dev/cluster", "down"));
        run(List.of("dev/cluster", "up"));
    }

    /** Starts what is not running (e.g. a component a test stopped), keeping the cluster's state. */
    public void up() {
        run(List.of("dev/cluster", "up"));
    }

    /** Stops one component of the cluster, as a crash would (SIGKILL), e.g. "operator". */
    public void kill(String component) {
        try {
            long pid = Long.parseLong(Files.readString(clusterDir.resolve(component + ".pid")).trim());
            ProcessHandle.of(pid).ifPresent(process -> {
                process.destroyForcibly();
                process.onExit().join();
            });
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the pid of " + component + " in " + clusterDir, e);
        }
    }

    public void stop() {
        run(List.of("dev/cluster", "down"));
    }

    public Path kubeconfig() {
        return clusterDir.resolve("kubeconfig");
    }

    /**
     * The address of this machine that the cluster's Pods reach it by (dev/cluster puts it on lo): where a server they
     * need, such as S3, listens.
     */
    public String hostAddress() {
        try {
            return Files.readString(clusterDir.resolve("host-address")).trim();
        } catch (IOException e) {
            throw new IllegalStateException("The cluster in " + clusterDir + " is not up: " + e.getMessage(), e);
        }
    }

    public Path logs() {
        return clusterDir;
    }

    private void run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).inheritIO();
        builder.environment().putAll(environment);
        try {
            int code = builder.start().waitFor();
            if (code != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + code + "; see its output above and "
                        + clusterDir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    public static Path projectDir() {
        Path dir = Path.of(System.getProperty("stratoflow.projectDir", "../..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("dev"))) {
            throw new IllegalStateException("Cannot find the project's dev/ directory from " + dir);
        }
        return dir;
    }
}
