package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.MissingKeyException;
import io.stratoflow.datastore.storage.Storage;
import io.stratoflow.engine.RunState;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run and task metadata and logs on a {@link Storage}, with the keys a local datastore has
 * always had: {@code flows/<flow>/<run>/run.json}, {@code …/<run>/state.json},
 * {@code …/<run>/<step>/<task>/task.json}, and a key per task attempt and stream for logs,
 * {@code …/<task>/attempt-<N>.<stdout|stderr>.log}.
 *
 * <p>Logs: on a local datastore a worker writes a log straight into its file
 * ({@link #logFile} or {@link #localLogFile}) and readers tail it. On S3 there is no local
 * file: the writer stores a finished log with {@link #storeLog} and readers open it by key
 * with {@link #openLog} or {@link #openLatestLog}, which work on both.
 */
public sealed class RunStore permits LocalRunStore {

    public static final String FLOWS = "flows";
    public static final String RUN_RECORD = "run.json";
    public static final String STATE_RECORD = "state.json";
    public static final String TASK_RECORD = "task.json";
    /** Created exclusively when a run id is taken, so that two runs never share an id. */
    public static final String RUN_CLAIM = "run.claim";

    private static final Pattern TASK_ID = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Pattern LOG = Pattern.compile("attempt-(\\d+)\\.([a-z]+)\\.log");

    private final Storage storage;

    public RunStore(Storage storage) {
        this.storage = storage;
    }

    public Storage storage() {
        return storage;
    }

    /**
     * Takes a new run id and returns it: the start time in milliseconds, made unique by
     * claiming {@code <run>/run.claim} exclusively (the next millisecond if it is taken), so
     * concurrent runs on one datastore, local or S3, never share an id.
     */
    public String createRun(String flow, long nowMillis) {
        String claimant = ManagementFactory.getRuntimeMXBean().getName() + " " + UUID.randomUUID();
        for (long id = nowMillis; ; id++) {
            String runId = Long.toString(id);
            String key = runKey(flow, runId) + "/" + RUN_CLAIM;
            try {
                if (!storage.exists(runKey(flow, runId) + "/" + RUN_RECORD)
                        && storage.createExclusively(key, ("{\"runId\":\"" + runId + "\",\"claimant\":\"" + claimant + "\"}")
                        .getBytes(StandardCharsets.UTF_8))) {
                    return runId;
                }
            } catch (IOException e) {
                throw unwritable(storage.describe() + "/" + key, e);
            }
        }
    }

    public void writeRun(RunRecord run) {
        write(runKey(run.flow(), run.runId()) + "/" + RUN_RECORD, run);
    }

    public Optional<RunRecord> readRun(String flow, String runId) {
        return read(runKey(flow, runId) + "/" + RUN_RECORD, RunRecord.class);
    }

    /** Runs of a flow, newest first. */
    public List<RunRecord> listRuns(String flow) {
        List<RunRecord> runs = new ArrayList<>();
        for (String runId : listRunIds(flow)) {
            readRun(flow, runId).ifPresent(runs::add);
        }
        runs.sort(Comparator.comparingLong(RunRecord::startedAtMillis).thenComparing(RunRecord::runId).reversed());
        return runs;
    }

    /** The ids of a flow's runs, in no particular order: one listing, no record read. */
    public List<String> listRunIds(String flow) {
        return childPrefixes(FLOWS + "/" + flow);
    }

    public List<String> listFlows() {
        return childPrefixes(FLOWS).stream().sorted().toList();
    }

    public void writeState(String flow, String runId, RunState state) {
        write(runKey(flow, runId) + "/" + STATE_RECORD, state);
    }

    public Optional<RunState> readState(String flow, String runId) {
        return read(runKey(flow, runId) + "/" + STATE_RECORD, RunState.class);
    }

    public void writeTask(String flow, String runId, TaskRecord task) {
        write(taskKey(flow, runId, task.step(), task.taskId()) + "/" + TASK_RECORD, task);
    }

    public Optional<TaskRecord> readTask(String flow, String runId, String step, String taskId) {
        return read(taskKey(flow, runId, step, taskId) + "/" + TASK_RECORD, TaskRecord.class);
    }

    /** Tasks of a step that have a record, ordered by task id. */
    public List<TaskRecord> listTasks(String flow, String runId, String step) {
        List<TaskRecord> tasks = new ArrayList<>();
        for (String taskId : childPrefixes(runKey(flow, runId) + "/" + step)) {
            readTask(flow, runId, step, taskId).ifPresent(tasks::add);
        }
        tasks.sort(Comparator.comparing(TaskRecord::taskId, RunStore::compareTaskIds));
        return tasks;
    }

    public List<String> listSteps(String flow, String runId) {
        return childPrefixes(runKey(flow, runId));
    }

    // logs

    /** The key of a task attempt's log: {@code flows/<flow>/<run>/<step>/<task>/attempt-<N>.<stream>.log}. */
    public String logKey(String flow, String runId, String step, String taskId, int attempt, String stream) {
        return taskKey(flow, runId, step, taskId) + "/attempt-" + attempt + "." + stream + ".log";
    }

    /** The local file of a log, on a local datastore; empty on S3. */
    public Optional<Path> localLogFile(String flow, String runId, String step, String taskId, int attempt, String stream) {
        return storage.localFile(logKey(flow, runId, step, taskId, attempt, stream));
    }

    /**
     * The local file a worker writes a log into. Local datastores only: on S3 use
     * {@link #storeLog}, or {@link #localLogFile} to tell the two apart.
     */
    public Path logFile(String flow, String runId, String step, String taskId, int attempt, String stream) {
        return localLogFile(flow, runId, step, taskId, attempt, stream).orElseThrow(() -> notLocal("its logs"));
    }

    /** Stores a finished log from a stream (read to its end, not closed); it replaces what the key held. */
    public void storeLog(String flow, String runId, String step, String taskId, int attempt, String stream, InputStream log) {
        String key = logKey(flow, runId, step, taskId, attempt, stream);
        try {
            storage.write(key, log);
        } catch (IOException e) {
            throw unwritable(storage.describe() + "/" + key, e);
        }
    }

    /** Opens an attempt's log, or empty when it has none. */
    public Optional<InputStream> openLog(String flow, String runId, String step, String taskId, int attempt, String stream) {
        String key = logKey(flow, runId, step, taskId, attempt, stream);
        try {
            return Optional.of(storage.read(key));
        } catch (MissingKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DatastoreException("Cannot read " + key + " from the datastore at " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an attempt's log from a byte offset, so that a reader following a growing log fetches only what is new;
     * empty when it has no log.
     */
    public Optional<InputStream> openLog(String flow, String runId, String step, String taskId, int attempt, String stream, long offset) {
        String key = logKey(flow, runId, step, taskId, attempt, stream);
        try {
            return Optional.of(storage.read(key, offset));
        } catch (MissingKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DatastoreException("Cannot read " + key + " from the datastore at " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every log of a run's tasks with its size, and which tasks have ended, from ONE listing of the run's keys: how a
     * follower of a whole run finds what grew without a request per task.
     */
    public RunOutputListing listOutput(String flow, String runId) {
        String prefix = runKey(flow, runId);
        List<Storage.SizedKey> keys;
        try {
            keys = storage.listRecursively(prefix);
        } catch (IOException e) {
            throw new DatastoreException("Cannot list " + prefix + " in the datastore at " + storage.describe() + ": " + e.getMessage(), e);
        }
        List<RunOutputListing.TaskLog> logs = new ArrayList<>();
        Set<String> ended = new HashSet<>();
        for (Storage.SizedKey key : keys) {
            String[] parts = key.key().split("/");
            if (parts.length != 3 || !TASK_ID.matcher(parts[1]).matches()) {
                continue;
            }
            Matcher log = LOG.matcher(parts[2]);
            if (log.matches()) {
                logs.add(new RunOutputListing.TaskLog(parts[0], parts[1], Integer.parseInt(log.group(1)), log.group(2), key.size()));
            } else if (parts[2].equals(TASK_RECORD)) {
                ended.add(parts[0] + "/" + parts[1]);
            }
        }
        logs.sort(Comparator.comparing(RunOutputListing.TaskLog::step)
                .thenComparing(RunOutputListing.TaskLog::taskId, RunStore::compareTaskIds)
                .thenComparingInt(RunOutputListing.TaskLog::attempt)
                .thenComparing(RunOutputListing.TaskLog::stream, Comparator.reverseOrder()));
        return new RunOutputListing(List.copyOf(logs), Set.copyOf(ended));
    }

    /** The latest attempt of a task that has a log on this stream. */
    public OptionalInt latestLogAttempt(String flow, String runId, String step, String taskId, String stream) {
        OptionalInt latest = OptionalInt.empty();
        for (Storage.Entry entry : list(taskKey(flow, runId, step, taskId))) {
            Matcher log = LOG.matcher(entry.name());
            if (!entry.isPrefix() && log.matches() && log.group(2).equals(stream)) {
                int attempt = Integer.parseInt(log.group(1));
                if (latest.isEmpty() || attempt > latest.getAsInt()) {
                    latest = OptionalInt.of(attempt);
                }
            }
        }
        return latest;
    }

    /** Opens the log of the latest attempt that has one; works on every storage. */
    public Optional<InputStream> openLatestLog(String flow, String runId, String step, String taskId, String stream) {
        OptionalInt attempt = latestLogAttempt(flow, runId, step, taskId, stream);
        return attempt.isEmpty() ? Optional.empty() : openLog(flow, runId, step, taskId, attempt.getAsInt(), stream);
    }

    /** The local file of the latest attempt's log. Local datastores only; on S3 use {@link #openLatestLog}. */
    public Optional<Path> latestLog(String flow, String runId, String step, String taskId, String stream) {
        if (storage.localFile(FLOWS).isEmpty()) {
            throw notLocal("its logs");
        }
        OptionalInt attempt = latestLogAttempt(flow, runId, step, taskId, stream);
        return attempt.isEmpty() ? Optional.empty() : localLogFile(flow, runId, step, taskId, attempt.getAsInt(), stream);
    }

    /** Copies every log of a task from one run to another (a cloned task keeps its output). */
    public void copyLogs(String flow, String fromRunId, String toRunId, String step, String taskId) {
        String from = taskKey(flow, fromRunId, step, taskId);
        String to = taskKey(flow, toRunId, step, taskId);
        for (Storage.Entry entry : list(from)) {
            if (!entry.isPrefix() && LOG.matcher(entry.name()).matches()) {
                try {
                    storage.copy(from + "/" + entry.name(), to + "/" + entry.name());
                } catch (IOException e) {
                    throw unwritable(storage.describe() + "/" + to, e);
                }
            }
        }
    }

    // keys and local paths

    public String runKey(String flow, String runId) {
        return FLOWS + "/" + flow + "/" + runId;
    }

    public String taskKey(String flow, String runId, String step, String taskId) {
        return runKey(flow, runId) + "/" + step + "/" + taskId;
    }

    /** The local directory of a task. Local datastores only. */
    public Path taskDir(String flow, String runId, String step, String taskId) {
        return storage.localFile(taskKey(flow, runId, step, taskId)).orElseThrow(() -> notLocal("its tasks"));
    }

    /** The local directory of a run. Local datastores only. */
    public Path runDir(String flow, String runId) {
        return storage.localFile(runKey(flow, runId)).orElseThrow(() -> notLocal("its runs"));
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

    private void write(String key, Object value) {
        try {
            byte[] json = Json.METADATA.writeValueAsBytes(value);
            storage.writeBytes(key, json, 0, json.length);
        } catch (IOException e) {
            throw unwritable(storage.describe() + "/" + key, e);
        }
    }

    private <T> Optional<T> read(String key, Class<T> type) {
        try (InputStream in = storage.read(key)) {
            return Optional.of(Json.METADATA.readValue(in, type));
        } catch (MissingKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DatastoreException("Cannot read " + key + " from the datastore at " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    private List<Storage.Entry> list(String prefix) {
        try {
            return storage.list(prefix);
        } catch (IOException e) {
            throw new DatastoreException("Cannot list " + prefix + " in the datastore at " + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    private List<String> childPrefixes(String prefix) {
        return list(prefix).stream().filter(Storage.Entry::isPrefix).map(Storage.Entry::name).toList();
    }

    private IllegalStateException notLocal(String what) {
        return new IllegalStateException("The datastore at " + storage.describe() + " is not a local directory: " + what
                + " have no local files. Read logs with openLog/openLatestLog and store them with storeLog.");
    }

    static DatastoreException unwritable(String where, IOException e) {
        return new DatastoreException("Cannot write to the datastore at " + where + " (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + "). Make it writable, or choose another location with --datastore-root or the "
                + Datastore.ENVIRONMENT_VARIABLE + " environment variable.", e);
    }
}
