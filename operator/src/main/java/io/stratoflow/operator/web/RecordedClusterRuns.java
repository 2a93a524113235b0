package io.stratoflow.operator.web;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.view.RecordedRun;
import io.stratoflow.view.RunKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's runs one datastore records (those whose record names a Run object), each flow's newest
 * {@code perFlow}, summarized in the namespace and under the Flow the record names. A final record never changes,
 * so it is read once: a repeated {@link #read} costs a listing per flow and a read of each new or unfinished run.
 * Of a finished run outside the newest, only its start time is remembered.
 */
final class RecordedClusterRuns {

    /** A run whose record is final: the run while it is among the newest; null outside them or when no Run object stands behind it. */
    private record Settled(long startedAtMillis, boolean ofRunObject, HistoryRun run) {
    }

    private record Candidate(String runId, long startedAtMillis, HistoryRun run) {
    }

    private final Datastore datastore;
    private final int perFlow;
    private final Map<String, Map<String, Settled>> settledByFlow = new HashMap<>();

    RecordedClusterRuns(Datastore datastore, int perFlow) {
        this.datastore = datastore;
        this.perFlow = perFlow;
    }

    Datastore datastore() {
        return datastore;
    }

    /** Reads the datastore again; throws when it cannot be read. */
    synchronized List<HistoryRun> read() {
        List<String> flows = datastore.runs().listFlows();
        settledByFlow.keySet().retainAll(new HashSet<>(flows));
        List<HistoryRun> runs = new ArrayList<>();
        for (String flow : flows) {
            runs.addAll(newest(flow, settledByFlow.computeIfAbsent(flow, f -> new HashMap<>())));
        }
        return runs;
    }

    /** Reads a run's record again on the next {@link #read}: a Run created again under its name rewrites it. */
    synchronized void forget(String flow, String runId) {
        Map<String, Settled> settled = settledByFlow.get(flow);
        if (settled != null) {
            settled.remove(runId);
        }
    }

    private List<HistoryRun> newest(String flow, Map<String, Settled> settled) {
        List<String> runIds = datastore.runs().listRunIds(flow);
        settled.keySet().retainAll(new HashSet<>(runIds));
        List<Candidate> candidates = new ArrayList<>();
        for (String runId : runIds) {
            Settled known = settled.get(runId);
            if (known != null) {
                if (known.ofRunObject()) {
                    candidates.add(new Candidate(runId, known.startedAtMillis(), known.run()));
                }
                continue;
            }
            Optional<RunRecord> record = datastore.runs().readRun(flow, runId);
            if (record.isEmpty()) {
                continue;
            }
            HistoryRun run = record.get().runObject() == null ? null : historyRun(flow, record.get());
            if (record.get().phase() != null && record.get().phase().isFinal()) {
                settled.put(runId, new Settled(record.get().startedAtMillis(), run != null, run));
            }
            if (run != null) {
                candidates.add(new Candidate(runId, record.get().startedAtMillis(), run));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::startedAtMillis).reversed());
        List<HistoryRun> newest = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate candidate = candidates.get(i);
            if (i < perFlow) {
                HistoryRun run = candidate.run() != null ? candidate.run() : reread(flow, candidate.runId(), settled);
                if (run != null) {
                    newest.add(run);
                }
            } else if (candidate.run() != null && settled.containsKey(candidate.runId())) {
                settled.put(candidate.runId(), new Settled(candidate.startedAtMillis(), true, null));
            }
        }
        return newest;
    }

    /** A finished run that is among the newest again (a newer one was removed from the datastore). */
    private HistoryRun reread(String flow, String runId, Map<String, Settled> settled) {
        HistoryRun run = datastore.runs().readRun(flow, runId).filter(record -> record.runObject() != null)
                .map(record -> historyRun(flow, record)).orElse(null);
        if (run != null) {
            settled.put(runId, new Settled(run.summary().startedAt(), true, run));
        }
        return run;
    }

    private HistoryRun historyRun(String flow, RunRecord record) {
        RunRecord.RunObject runObject = record.runObject();
        RunKey key = new RunKey(runObject.namespace(), runObject.flow(), record.runId());
        RecordedRun recorded = new RecordedRun(datastore, flow, record.runId());
        return new HistoryRun(RecordedRun.summary(key, record, recorded.state().orElse(null), runObject.user(), true), recorded);
    }
}
