package io.stratoflow.runtime.worker;

import io.stratoflow.task.runner.TaskExecutor;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;
import io.stratoflow.task.runner.TaskResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.LocalRunStore;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker process: reads task requests, one JSON line each, from stdin, runs them one at a
 * time and answers each with a JSON line on the original stdout. While a task runs, its
 * {@code System.out} and {@code System.err} go to its log files in the datastore. The optional
 * argument names the flow class, which the worker warms up before it says it is ready.
 */
public final class WorkerMain {

    public static final String READY = "{\"ready\":true}";

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private WorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        ignoreInterrupts();
        ObjectMapper json = Json.METADATA;
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream workerErr = System.err;
        System.setOut(workerErr);
        TaskExecutor executor = new TaskExecutor(WorkerMain.class.getClassLoader());
        if (args.length > 0) {
            WorkerWarmUp.run(args[0], WorkerMain.class.getClassLoader());
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        protocol.println(READY);
        protocol.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            TaskSpec request = TaskSpecCodec.decode(line);
            TaskResult result;
            try (TaskLogs logs = TaskLogs.open(request)) {
                System.setOut(logs.out());
                System.setErr(logs.err());
                long cpuBefore = THREADS.getCurrentThreadCpuTime();
                result = executor.execute(request);
                result = result.withCpuMillis((THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000);
                if (result.failure() != null) {
                    logs.err().print(result.failure().stackTrace());
                }
            } finally {
                System.setOut(workerErr);
                System.setErr(workerErr);
            }
            protocol.println(json.writeValueAsString(result));
            protocol.flush();
            if (result.retireWorker()) {
                return;
            }
        }
    }

    /** Ctrl-C reaches the whole process group; the orchestrator, not the worker, decides what stops. */
    private static void ignoreInterrupts() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // platform without SIGINT: nothing to ignore
        }
    }

    /** A task's stdout and stderr files. */
    record TaskLogs(PrintStream out, PrintStream err) implements AutoCloseable {

        static TaskLogs open(TaskSpec request) throws IOException {
            LocalRunStore runs = new LocalRunStore(Path.of(request.datastore().root()));
            return new TaskLogs(stream(runs.logFile(request.flow(), request.runId(), request.step(), request.taskId(), request.attempt(), "stdout")),
                    stream(runs.logFile(request.flow(), request.runId(), request.step(), request.taskId(), request.attempt(), "stderr")));
        }

        private static PrintStream stream(Path file) throws IOException {
            Files.createDirectories(file.getParent());
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
            return new PrintStream(out, true, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            out.close();
            err.close();
        }
    }
}
