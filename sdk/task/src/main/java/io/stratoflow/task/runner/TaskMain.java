package io.stratoflow.task.runner;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.task.EnvironmentNames;
import io.stratoflow.task.TaskReport;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task runner in a task's container: reads the task's spec from its environment, fetches the
 * flow's code package, runs the step as a local worker does, stores the step's output as the
 * task's logs, and reports through the container's termination message. Exits 0 when the step
 * succeeded and 1 when it failed.
 */
public final class TaskMain {

    /** Where Kubernetes reads a container's termination message by default. */
    /** Where the report goes: the container's termination log, or (for a task the CLI runs on its own machine) a file it names. */
    static final Path TERMINATION_LOG = Path.of(System.getProperty("stratoflow.terminationLog", "/dev/termination-log"));

    private TaskMain() {
    }

    public static void main(String[] args) {
        TaskReport report;
        try {
            String encoded = System.getenv(EnvironmentNames.TASK);
            if (encoded == null || encoded.isBlank()) {
                throw new IllegalArgumentException("Environment variable " + EnvironmentNames.TASK
                        + " is not set: this program runs tasks that a Stratoflow executor describes there");
            }
            report = run(TaskSpecCodec.decode(encoded));
        } catch (RuntimeException | LinkageError e) {
            // The step never ran: the spec, the datastore or the code package is wrong.
            e.printStackTrace();
            report = TaskReport.failed(e.getClass().getName(), e.getMessage(), false);
        }
        writeTerminationMessage(TaskSpecCodec.encode(report));
        System.out.flush();
        System.exit(report.failed() ? 1 : 0);
    }

    static TaskReport run(TaskSpec spec) {
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("jvm", ManagementFactory.getRuntimeMXBean().getUptime());
        long mark = System.currentTimeMillis();
        Datastore datastore = Datastore.open(spec.datastore());
        timings.put("datastore", System.currentTimeMillis() - mark);
        mark = System.currentTimeMillis();
        ClassLoader flowClasses = CodeLoader.classLoaderFor(spec, datastore, TaskMain.class.getClassLoader());
        timings.put("code", System.currentTimeMillis() - mark);
        TaskResult result;
        TaskExecutor executor = new TaskExecutor(flowClasses, datastore);
        TaskOutput output = TaskOutput.capture(datastore, spec);
        try {
            result = executor.execute(spec);
            if (result.failure() != null) {
                System.err.print(result.failure().stackTrace());
            }
        } finally {
            timings.putAll(executor.lastTimings());
            mark = System.currentTimeMillis();
            output.close();
            timings.put("logs", System.currentTimeMillis() - mark);
        }
        TaskReport report = result.succeeded() ? TaskReport.succeeded(result.splits())
                : TaskReport.failed(result.failure().exceptionType(), result.failure().message(), result.retireWorker());
        return report.withTimings(timings);
    }

    private static void writeTerminationMessage(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.isWritable(TERMINATION_LOG) || Files.isWritable(TERMINATION_LOG.getParent())) {
                Files.write(TERMINATION_LOG, bytes.length > TaskReport.MAX_BYTES ? java.util.Arrays.copyOf(bytes, TaskReport.MAX_BYTES) : bytes);
                return;
            }
        } catch (IOException e) {
            // fall through: the report still reaches the log
        }
        System.out.println(message);
    }
}
