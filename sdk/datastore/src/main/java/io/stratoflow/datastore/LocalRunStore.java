package io.stratoflow.datastore;

import io.stratoflow.engine.RunState;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;


/**
 * Run and task metadata in a directory tree:
 * {@code flows/<flow>/<run>/run.json}, {@code …/<run>/state.json},
 * {@code …/<run>/<step>/<task>/task.json} and the task's logs beside it.
 */
public final class LocalRunStore {

    private final Path flows;

    public LocalRunStore(Path root) {
        this.flows = root.resolve("flows");
    }

    /** Creates a new run directory and returns its id: the start time in milliseconds, made unique. */
    public String createRun(String flow, long nowMillis) {
        Path flowDir = flows.resolve(flow);
        try {
            Files.createDirectories(flowDir);
            for (long id = nowMillis; ; id++) {
                try {
                    Files.createDirectory(flowDir.resolve(Long.toString(id)));
                    return Long.toString(id);
                } catch (FileAlreadyExistsException taken) {
                    // another run started in the same millisecond
                }
            }
        } catch (IOException e) {
            throw unwritable(flowDir, e);
        }
    }

    public void writeRun(RunRecord run) {
        write(runDir(run.flow(), run.runId()).resolve("run.json"), run);
    }

    public Optional<RunRecord> readRun(String flow, String runId) {
        return read(runDir(flow, runId).resolve("run.json"), RunRecord.class);
    }

    /** Runs of a flow, newest first. */
    public List<RunRecord> listRuns(String flow) {
        List<RunRecord> runs = new ArrayList<>();
        for (Path dir : children(flows.resolve(flow))) {
            read(dir.resolve("run.json"), RunRecord.class).ifPresent(runs::add);
        }
        runs.sort(Comparator.comparingLong(RunRecord::startedAtMillis).thenComparing(RunRecord::runId).reversed());
        return runs;
    }

    public List<String> listFlows() {
        return children(flows).stream().map(p -> p.getFileName().toString()).sorted().toList();
    }

    public void writeState(String flow, String runId, RunState state) {
        write(runDir(flow, runId).resolve("state.json"), state);
    }

    public Optional<RunState> readState(String flow, String runId) {
        return read(runDir(flow, runId).resolve("state.json"), RunState.class);
    }

    public void writeTask(String flow, String runId, TaskRecord task) {
        write(taskDir(flow, runId, task.step(), task.taskId()).resolve("task.json"), task);
    }

    public Optional<TaskRecord> readTask(String flow, String runId, String step, String taskId) {
        return read(taskDir(flow, runId, step, taskId).resolve("task.json"), TaskRecord.class);
    }

    /** Tasks of a step that have a record, ordered by task id. */
    public List<TaskRecord> listTasks(String flow, String runId, String step) {
        List<TaskRecord> tasks = new ArrayList<>();
        for (Path dir : children(runDir(flow, runId).resolve(step))) {
            read(dir.resolve("task.json"), TaskRecord.class).ifPresent(tasks::add);
        }
        tasks.sort(Comparator.comparing(TaskRecord::taskId, LocalRunStore::compareTaskIds));
        return tasks;
    }

    public List<String> listSteps(String flow, String runId) {
        return children(runDir(flow, runId)).stream().map(p -> p.getFileName().toString()).toList();
    }

    public Path logFile(String flow, String runId, String step, String taskId, int attempt, String stream) {
        return taskDir(flow, runId, step, taskId).resolve("attempt-" + attempt + "." + stream + ".log");
    }

    /** The log of the latest attempt that has one. */
    public Optional<Path> latestLog(String flow, String runId, String step, String taskId, String stream) {
        Path dir = taskDir(flow, runId, step, taskId);
        for (int attempt = 100; attempt >= 0; attempt--) {
            Path log = dir.resolve("attempt-" + attempt + "." + stream + ".log");
            if (Files.exists(log)) {
                return Optional.of(log);
            }
        }
        return Optional.empty();
    }

    public Path taskDir(String flow, String runId, String step, String taskId) {
        return runDir(flow, runId).resolve(step).resolve(taskId);
    }

    public Path runDir(String flow, String runId) {
        return flows.resolve(flow).resolve(runId);
    }

    static int compareTaskIds(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int byIndex = Long.compare(Long.parseLong(left[i]), Long.parseLong(right[i]));
            if (byIndex != 0) {
                return byIndex;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private void write(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().getId() + ".partial");
            Json.METADATA.writeValue(partial.toFile(), value);
            try {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw unwritable(file, e);
        }
    }

    private static <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(Json.METADATA.readValue(file.toFile(), type));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            throw new DatastoreException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, Files::isDirectory)) {
            stream.forEach(children::add);
        } catch (IOException e) {
            throw new DatastoreException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return children;
    }

    static DatastoreException unwritable(Path where, IOException e) {
        return new DatastoreException("Cannot write to the datastore at " + where + " (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + "). Make it writable, or choose another location with --datastore-root or the "
                + "STRATOFLOW_DATASTORE environment variable.", e);
    }

}
