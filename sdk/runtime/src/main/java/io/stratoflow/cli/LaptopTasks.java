package io.stratoflow.cli;

import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.model.ExternalTask;
import io.stratoflow.task.EnvironmentNames;
import io.stratoflow.task.TaskReport;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The tasks of a mixed run that run on this machine: the operator lists them in the Run's status with their task
 * descriptions, and each runs here as it would in a Pod, in a task-runner JVM of its own with this JVM's classpath,
 * writing its record, artifacts and logs to the shared datastore, where the operator finds its outcome.
 */
final class LaptopTasks {

    private final Datastore datastore;
    private final DatastoreLocation here;
    private final String runName;
    private final ProgressLine progress;
    private final PrintStream out;
    private final PrintStream err;
    private static final long FINISH_WAIT_SECONDS = 10;

    private final Map<String, Process> started = new HashMap<>();
    private final Set<String> tasksHere = new HashSet<>();
    private final List<Thread> relays = new java.util.ArrayList<>();

    LaptopTasks(Datastore datastore, String runName, ProgressLine progress, PrintStream out, PrintStream err) {
        this.datastore = datastore;
        this.here = datastore.location();
        this.runName = runName;
        this.progress = progress;
        this.out = out;
        this.err = err;
    }

    /** Starts the listed tasks not started yet. */
    synchronized void offer(List<ExternalTask> tasks) {
        for (ExternalTask task : tasks) {
            String key = task.step + "/" + task.taskId + "#" + task.attempt;
            if (!started.containsKey(key)) {
                started.put(key, start(TaskSpecCodec.decode(task.task)));
                tasksHere.add(task.step + "/" + task.taskId);
            }
        }
    }

    /** Whether a task of the run runs (or ran) on this machine. */
    synchronized boolean runsHere(String step, String taskId) {
        return tasksHere.contains(step + "/" + taskId);
    }

    /**
     * When the run ends: a task still running here is ended (the run was stopped or failed without it), and the output
     * of every task is shown in full before the CLI reports the run's end.
     */
    void finish() throws InterruptedException {
        List<Process> processes;
        List<Thread> relaying;
        synchronized (this) {
            processes = List.copyOf(started.values());
            relaying = List.copyOf(relays);
        }
        for (Process process : processes) {
            if (!process.waitFor(FINISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroy();
            }
        }
        for (Thread relay : relaying) {
            relay.join(TimeUnit.SECONDS.toMillis(FINISH_WAIT_SECONDS));
        }
    }

    /** Ends what still runs here when the CLI stops following the run for any reason. */
    synchronized void destroyRemaining() {
        started.values().stream().filter(Process::isAlive).forEach(Process::destroy);
    }

    private Process start(TaskSpec cluster) {
        // This machine reaches the datastore its own way, and has the flow's classes on its classpath.
        TaskSpec spec = new TaskSpec(cluster.flow(), cluster.flowClass(), cluster.runId(), cluster.step(), cluster.taskId(),
                cluster.attempt(), cluster.parents(), cluster.branches(), cluster.parameters(), here, null);
        try {
            Path report = Files.createTempFile("stratoflow-report-", ".json");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dstratoflow.terminationLog=" + report, "-Dslf4j.internal.verbosity=ERROR", "-cp", System.getProperty("java.class.path"),
                    "io.stratoflow.task.runner.TaskMain").redirectErrorStream(true);
            builder.environment().put(EnvironmentNames.TASK, TaskSpecCodec.encode(spec));
            Process process = builder.start();
            Thread relay = new Thread(() -> relay(process, spec, report), "stratoflow-laptop-" + spec.step() + "-" + spec.taskId());
            relay.setDaemon(true);
            relay.start();
            relays.add(relay);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start task " + spec.describe() + " on this machine: " + e.getMessage(), e);
        }
    }

    /** Shows the task's output as a local run does, and records a failure the task could not record itself. */
    private void relay(Process process, TaskSpec spec, Path report) {
        String prefix = TaskLinePrefix.of(runName, spec.step(), spec.taskId(), spec.attempt());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                String shown = line;
                progress.printAbove(() -> out.println(prefix + shown));
            }
            if (process.waitFor() != 0 && datastore.runs().readTask(spec.flow(), spec.runId(), spec.step(), spec.taskId())
                    .filter(r -> r.attempt() == spec.attempt()).isEmpty()) {
                recordFailure(spec, report);
            }
        } catch (IOException | RuntimeException e) {
            err.println(prefix + "cannot follow the task: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(report);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    private void recordFailure(TaskSpec spec, Path report) throws IOException {
        String text = Files.exists(report) ? Files.readString(report) : "";
        TaskReport failed = text.isBlank() ? TaskReport.failed("java.lang.IllegalStateException",
                "the task runner ended without a report", false) : TaskSpecCodec.decodeReport(text);
        long now = System.currentTimeMillis();
        datastore.runs().writeTask(spec.flow(), spec.runId(), new TaskRecord(spec.step(), spec.taskId(), spec.attempt(), TaskRecord.FAILED,
                Map.of(), null, new TaskFailure(spec.step(), failed.exceptionType(), failed.message(), ""), now, now, null));
    }
}
