package io.stratoflow.runtime;

import io.stratoflow.datastore.Json;
import io.stratoflow.runtime.worker.TaskExecutor;
import io.stratoflow.runtime.worker.TaskRequest;
import io.stratoflow.runtime.worker.TaskResult;
import io.stratoflow.runtime.worker.WorkerMain;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Worker JVMs that run tasks one at a time each, started on demand up to a limit and reused, so
 * that a thousand small tasks do not pay a thousand JVM starts. A worker that dies (the step
 * called {@code System.exit}, the JVM crashed or was killed) fails the task it was running and
 * is replaced when there is work.
 */
final class WorkerPool implements AutoCloseable {

    private record Pending(TaskRequest request, BiConsumer<TaskRequest, TaskResult> onDone) {
    }

    private final WorkerLauncher launcher;
    private final int maxWorkers;
    private final int maxStarting;
    private final Path logDir;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Deque<Worker> idle = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private int starting;
    private int nextWorkerId;
    private boolean closed;

    WorkerPool(WorkerLauncher launcher, int maxWorkers, Path logDir) {
        this.launcher = launcher;
        this.maxWorkers = maxWorkers;
        this.maxStarting = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.logDir = logDir;
    }

    synchronized void submit(TaskRequest request, BiConsumer<TaskRequest, TaskResult> onDone) {
        queue.addLast(new Pending(request, onDone));
        dispatch();
    }

    /** Kills the worker running the given attempt, or drops it from the queue. */
    synchronized void kill(String step, String taskId, int attempt) {
        queue.removeIf(p -> matches(p.request(), step, taskId, attempt));
        for (Worker worker : workers) {
            if (worker.current != null && matches(worker.current.request(), step, taskId, attempt)) {
                worker.process.destroyForcibly();
            }
        }
    }

    private static boolean matches(TaskRequest request, String step, String taskId, int attempt) {
        return request.step().equals(step) && request.taskId().equals(taskId) && request.attempt() == attempt;
    }

    private void dispatch() {
        while (!queue.isEmpty() && !idle.isEmpty()) {
            idle.removeFirst().run(queue.removeFirst());
        }
        // Start workers only for work that the starting ones will not absorb.
        while (!closed && queue.size() > starting && workers.size() < maxWorkers && starting < maxStarting) {
            startWorker();
        }
    }

    private void startWorker() {
        int id = nextWorkerId++;
        try {
            Files.createDirectories(logDir);
            Process process = new ProcessBuilder(launcher.command())
                    .redirectError(logDir.resolve("worker-" + ProcessHandle.current().pid() + "-" + id + ".log").toFile())
                    .start();
            Worker worker = new Worker(process, id);
            workers.add(worker);
            starting++;
            Thread reader = new Thread(worker::readLoop, "stratoflow-worker-" + id);
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a worker process (" + String.join(" ", launcher.command().subList(0, 1)) + "): " + e.getMessage(), e);
        }
    }

    private synchronized void onReady(Worker worker) {
        starting--;
        idle.addLast(worker);
        dispatch();
    }

    private void onResult(Worker worker, Pending task, TaskResult result) {
        task.onDone().accept(task.request(), result);
        synchronized (this) {
            worker.current = null;
            if (!result.retireWorker() && !closed) {
                idle.addLast(worker);
            }
            dispatch();
        }
    }

    private void onExit(Worker worker, boolean wasReady) {
        Pending lost;
        synchronized (this) {
            workers.remove(worker);
            idle.remove(worker);
            if (!wasReady) {
                starting--;
            }
            lost = worker.current;
            worker.current = null;
        }
        if (lost != null) {
            int code = waitForExit(worker.process);
            String message = "the worker process running this task exited with code " + code
                    + (code == 137 || code == 9 ? " (killed)" : "") + ". A step must not call System.exit; if it did not, the JVM "
                    + "crashed or was killed by the system (see " + logDir + ")";
            lost.onDone().accept(lost.request(), TaskResult.failed(TaskExecutor.failureOf(lost.request().step(),
                    new IllegalStateException(message)), false));
        }
        synchronized (this) {
            dispatch();
        }
    }

    private static int waitForExit(Process process) {
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    @Override
    public void close() {
        List<Worker> all;
        synchronized (this) {
            closed = true;
            queue.clear();
            all = new ArrayList<>(workers);
        }
        for (Worker worker : all) {
            worker.closeInput();
        }
        for (Worker worker : all) {
            try {
                if (!worker.process.waitFor(2, TimeUnit.SECONDS)) {
                    worker.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                worker.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One worker process and the task it is running. */
    private final class Worker {
        final Process process;
        final int id;
        final BufferedWriter input;
        volatile Pending current;

        Worker(Process process, int id) {
            this.process = process;
            this.id = id;
            this.input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        }

        void run(Pending task) {
            current = task;
            try {
                input.write(Json.METADATA.writeValueAsString(task.request()));
                input.newLine();
                input.flush();
            } catch (IOException e) {
                // The worker died; its reader thread reports the task as lost.
                process.destroyForcibly();
            }
        }

        void readLoop() {
            boolean ready = false;
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = output.readLine()) != null) {
                    if (!ready && line.equals(WorkerMain.READY)) {
                        ready = true;
                        onReady(this);
                    } else if (current != null && line.startsWith("{")) {
                        onResult(this, current, Json.METADATA.readValue(line, TaskResult.class));
                    }
                }
            } catch (IOException e) {
                process.destroyForcibly();
            }
            onExit(this, ready);
        }

        void closeInput() {
            try {
                input.close();
            } catch (IOException e) {
                process.destroyForcibly();
            }
        }
    }
}
