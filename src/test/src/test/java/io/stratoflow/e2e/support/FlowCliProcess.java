package io.stratoflow.e2e.support;

import io.stratoflow.api.FlowSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flow's CLI as a user starts it: its own JVM, with the flow's classes (the directory or jar they were loaded from)
 * and the SDK on the classpath (the task-runner distribution the build leaves holds exactly the SDK and what it depends
 * on), output kept in a file.
 */
public final class FlowCliProcess {

    private final Process process;
    private final Path output;

    private FlowCliProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static FlowCliProcess start(Class<? extends FlowSpec> flow, Map<String, String> environment, Path workingDirectory,
                                       String... args) {
        Path project = ControlPlane.projectDir();
        String classpath = codeSource(flow) + java.io.File.pathSeparator + project.resolve("sdk/runtime/target/task-runner/lib") + "/*";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, flow.getName()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(workingDirectory);
            Path output = Files.createTempFile(workingDirectory, flow.getSimpleName() + "-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("KUBECONFIG"));
            builder.environment().putAll(environment);
            return new FlowCliProcess(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory or jar the flow's classes come from. */
    private static Path codeSource(Class<?> flow) {
        try {
            return Path.of(flow.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the CLI to exit and returns its exit code; one that outlives the timeout is killed and fails the test. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not exit within " + timeout + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    public void interrupt() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first group of the first match of {@code regex} in the output so far. */
    public String find(String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output());
        if (!matcher.find()) {
            throw new AssertionError("no match for " + regex + " in:\n" + output());
        }
        return matcher.group(1);
    }
}
