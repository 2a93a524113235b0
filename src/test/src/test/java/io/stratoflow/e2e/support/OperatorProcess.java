package io.stratoflow.e2e.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as built (operator/target/quarkus-app), run as a process of its own so that a
 * test can kill it mid-run and start it again, with the kubeconfig of the chart's service
 * account, so that it has exactly the permissions the chart grants.
 */
public final class OperatorProcess {

    private final Path project;
    private final Path kubeconfig;
    private final Map<String, String> environment;
    private final Path logDir;
    private Process process;
    private int starts;
    private int port;
    private int webPort;

    public OperatorProcess(Path project, Path kubeconfig, Map<String, String> environment, Path logDir) {
        this.project = project;
        this.kubeconfig = kubeconfig;
        this.environment = Map.copyOf(environment);
        this.logDir = logDir;
    }

    public synchronized void start() {
        Path jar = project.resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the operator first (./mvnw -pl operator -am package)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!environment.containsKey("JAVA_TOOL_OPTIONS")) {
            command.add("-Xmx256m");
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDir.resolve("operator-" + (++starts) + ".log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        port = freePort();
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // several operators run side by side here: each web view on a free port of its own
        webPort = freePort();
        builder.environment().put("STRATOFLOW_WEB_PORT", Integer.toString(webPort));
        try {
            Files.createDirectories(logDir);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the operator: " + e.getMessage(), e);
        }
    }

    /** Kills the operator the hard way (SIGKILL): no shutdown hook, no graceful stop. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The operator's HTTP port (health, metrics). */
    public int port() {
        return port;
    }

    /** The port of the operator's web view. */
    public int webPort() {
        return webPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return logDir.resolve("operator-" + starts + ".log");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
