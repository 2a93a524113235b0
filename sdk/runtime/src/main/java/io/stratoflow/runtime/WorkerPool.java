package io.stratoflow.runtime;

import io.stratoflow.datastore.Json;
import io.stratoflow.task.runner.TaskExecutor;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;
import io.stratoflow.task.runner.TaskResult;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Worker JVMs that run tasks one at a time each, started on demand up to a limit and reused, so
 * that a thousand small tasks do not pay a thousand JVM starts. A worker that dies (the step
 * called {@code System.exit}, the JVM crashed or was killed) fails the task it was running and
 * is replaced when there is work.
 */
final class WorkerPool implements AutoCloseable {

    /** @param timeoutMillis how long the task may run once a worker starts it; 0 for no limit */
    private record Pending(TaskSpec request, long timeoutMillis, BiConsumer<TaskSpec, TaskResult> onDone) {
    }

    private final WorkerLauncher launcher;
    private final int maxWorkers;
    private final int maxStarting;
    private final Path logDir;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Deque<Worker> idle = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private int starting;
    private int nextWorkerId;
    private boolean closed;
    /** Running averages, in milliseconds, of a worker's start-up and of a task's duration. */
    private double startupMillis = 700;
    private double taskMillis = -1;
    private final SystemCpu cpu;
    /** How much of a core must be idle for a new worker to be worth starting (a little under one: the load is noisy). */
    private static final double WHOLE_CORE = 0.9;
    private final int cores = Runtime.getRuntime().availableProcessors();

    WorkerPool(WorkerLauncher launcher, int maxWorkers, Path logDir) {
        this(launcher, maxWorkers, logDir, new SystemCpu());
    }

    WorkerPool(WorkerLauncher launcher, int maxWorkers, Path logDir, SystemCpu cpu) {
        this.cpu = cpu;
        this.launcher = launcher;
        this.maxWorkers = maxWorkers;
        this.maxStarting = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.logDir = logDir;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "stratoflow-worker-pool");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        cpu.sample();
        synchronized (this) {
            long now = System.nanoTime();
            for (Worker worker : workers) {
                Pending task = worker.current;
                if (task != null && task.timeoutMillis() > 0 && !worker.timedOut
                        && now - worker.taskStartedNanos > task.timeoutMillis() * 1_000_000) {
                    // A timeout counts from when a worker starts the task, not from when it was queued.
                    worker.timedOut = true;
                    worker.process.destroyForcibly();
                }
            }
            dispatch();
        }
    }

    /** Starts the first worker now, before there is a task for it, so that its start overlaps the run's set-up. */
    synchronized void prestart() {
        if (workers.isEmpty() && !closed) {
            startWorker();
        }
    }

    synchronized void submit(TaskSpec request, long timeoutMillis, BiConsumer<TaskSpec, TaskResult> onDone) {
        queue.addLast(new Pending(request, timeoutMillis, onDone));
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

    private static boolean matches(TaskSpec request, String step, String taskId, int attempt) {
        return request.step().equals(step) && request.taskId().equals(taskId) && request.attempt() == attempt;
    }

    private void dispatch() {
        while (!queue.isEmpty() && !idle.isEmpty()) {
            idle.removeFirst().run(queue.removeFirst());
        }
        while (!closed && !queue.isEmpty() && workers.size() < maxWorkers && starting < maxStarting && worthAnotherWorker()) {
            startWorker();
        }
    }

    /**
     * Whether the waiting tasks would take longer to drain with the workers there are than a new
     * worker takes to start: short tasks are served by a few warm workers instead of paying for
     * many JVM starts; long tasks get a worker each, up to the limit, as long as the machine has
     * idle CPU for it.
     */
    private boolean worthAnotherWorker() {
        if (workers.isEmpty()) {
            return true;
        }
        if (idleCores() < WHOLE_CORE) {
            // No core is free (tasks, starting workers, the orchestrator or anything else use
            // them): another JVM would only take CPU from the workers there are, and pay its
            // start-up on top.
            return false;
        }
        long now = System.nanoTime();
        double estimate = Math.max(taskMillis, 0);
        for (Worker worker : workers) {
            if (worker.current != null) {
                estimate = Math.max(estimate, Math.min((now - worker.taskStartedNanos) / 1e6, estimate <= 0 ? Double.MAX_VALUE : estimate * 4));
            }
        }
        if (estimate <= 0) {
            // Nothing finished yet: assume a task costs what a start does, so one worker per task in flight.
            estimate = startupMillis;
        }
        double drainMillis = (queue.size() - starting) * estimate / workers.size();
        return drainMillis > startupMillis;
    }

    private double idleCores() {
        return cores * (1 - cpu.load());
    }

    private void startWorker() {
        int id = nextWorkerId++;
        try {
            Files.createDirectories(logDir);
            Process process = new ProcessBuilder(launcher.command())
                    .redirectError(logDir.resolve("worker-" + ProcessHandle.current().pid() + "-" + id + ".log").toFile())
                    .start();
            Worker worker = new Worker(process);
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
        startupMillis = 0.7 * startupMillis + 0.3 * (System.nanoTime() - worker.launchedNanos) / 1e6;
        idle.addLast(worker);
        dispatch();
    }

    private void onResult(Worker worker, Pending task, TaskResult result) {
        task.onDone().accept(task.request(), result);
        synchronized (this) {
            double took = (System.nanoTime() - worker.taskStartedNanos) / 1e6;
            taskMillis = taskMillis < 0 ? took : 0.8 * taskMillis + 0.2 * took;
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
            String message = worker.timedOut
                    ? io.stratoflow.engine.StepPolicy.timeoutReason(lost.timeoutMillis())
                    : "the worker process running this task exited with code " + code
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
        ticker.shutdownNow();
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
        final BufferedWriter input;
        final long launchedNanos = System.nanoTime();
        volatile Pending current;
        volatile long taskStartedNanos;
        volatile boolean timedOut;

        Worker(Process process) {
            this.process = process;
            this.input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        }

        void run(Pending task) {
            taskStartedNanos = System.nanoTime();
            current = task;
            try {
                input.write(TaskSpecCodec.encode(task.request()));
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
