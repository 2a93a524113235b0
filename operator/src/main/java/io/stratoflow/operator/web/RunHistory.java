package io.stratoflow.operator.web;

import io.quarkus.runtime.ShutdownEvent;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.Run;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.datastore.RunRecords;
import io.stratoflow.operator.flow.FlowCache;
import io.stratoflow.operator.flow.FlowGraphs;
import io.stratoflow.operator.run.RunCache;
import io.stratoflow.view.RecordedRun;
import io.stratoflow.view.RunKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster's runs as their datastores record them, so that the view still shows a run once its Run object is
 * deleted. The datastores read are the operator's own and those of the Flows and Runs in the informer caches. A
 * look never waits for a datastore: it answers from the latest reading, and starts a new one in the background
 * when that is older than {@link #REFRESH_AFTER}. A datastore that cannot be read is logged once and keeps the runs
 * read from it before.
 */
@ApplicationScoped
public class RunHistory {

    static final Duration REFRESH_AFTER = Duration.ofSeconds(30);
    static final int RUNS_PER_FLOW = 500;

    private static final Logger LOG = Logger.getLogger(RunHistory.class);

    @Inject
    RunDatastores datastores;

    @Inject
    FlowCache flows;

    @Inject
    RunCache cache;

    private final Map<DatastoreLocation, RecordedClusterRuns> readers = new ConcurrentHashMap<>();
    private final Map<DatastoreLocation, List<HistoryRun>> lastRead = new ConcurrentHashMap<>();
    private final Set<DatastoreLocation> unreadable = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "stratoflow-run-history");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Map<RunKey, HistoryRun> runs = Map.of();
    private volatile long refreshedAtNanos;
    private volatile boolean everRefreshed;

    /** The runs the datastores recorded at the latest reading; starts another reading when that one is old. */
    Collection<HistoryRun> runs() {
        refreshIfStale();
        return runs.values();
    }

    /** A recorded run: from the latest reading, or else read directly through its Flow when the Flow still exists. */
    Optional<HistoryRun> run(RunKey key) {
        refreshIfStale();
        HistoryRun known = runs.get(key);
        return known != null ? Optional.of(known) : readThroughFlow(key);
    }

    private Optional<HistoryRun> readThroughFlow(RunKey key) {
        Optional<FlowResourceSpec> spec = flows.flow(key.namespace(), key.flow()).map(Flow::getSpec).filter(RunRecords::recorded);
        Optional<DatastoreLocation> location = spec.flatMap(datastores::locationOf);
        if (location.isEmpty()) {
            return Optional.empty();
        }
        try {
            RecordedRun recorded = new RecordedRun(datastores.open(location.get()), FlowGraphs.datastoreFlowName(spec.get()), key.run());
            return recorded.record()
                    .filter(record -> record.runObject() != null && key.namespace().equals(record.runObject().namespace())
                            && key.flow().equals(record.runObject().flow()))
                    .map(record -> new HistoryRun(RecordedRun.summary(key, record, recorded.state().orElse(null), record.runObject().user(),
                            true), recorded));
        } catch (RuntimeException unreadable) { // the datastore is away: the run is not found, as before it was recorded
            return Optional.empty();
        }
    }

    private void refreshIfStale() {
        boolean stale = !everRefreshed || System.nanoTime() - refreshedAtNanos > REFRESH_AFTER.toNanos();
        if (stale && refreshing.compareAndSet(false, true)) {
            refresher.execute(() -> {
                try {
                    refresh();
                } catch (RuntimeException e) { // the next look tries again
                    LOG.warn("Reading the run history failed", e);
                } finally {
                    refreshing.set(false);
                }
            });
        }
    }

    /** Reads every datastore the cluster's runs are recorded in; waits for it. */
    synchronized void refresh() {
        Set<DatastoreLocation> locations = locations();
        lastRead.keySet().retainAll(locations);
        readers.keySet().retainAll(locations);
        Map<RunKey, HistoryRun> read = new HashMap<>();
        for (DatastoreLocation location : locations) {
            for (HistoryRun run : read(location)) {
                read.merge(run.summary().key(), run, (a, b) -> a.summary().startedAt() >= b.summary().startedAt() ? a : b);
            }
        }
        runs = Map.copyOf(read);
        refreshedAtNanos = System.nanoTime();
        everRefreshed = true;
    }

    private List<HistoryRun> read(DatastoreLocation location) {
        try {
            RecordedClusterRuns reader = readers.computeIfAbsent(location, l -> new RecordedClusterRuns(datastores.open(l), RUNS_PER_FLOW));
            List<HistoryRun> read = reader.read();
            forgetReplacedRecords(reader, read);
            lastRead.put(location, read);
            if (unreadable.remove(location)) {
                LOG.infof("The run history in the datastore at %s can be read again", location.describe());
            }
            return read;
        } catch (RuntimeException e) {
            if (unreadable.add(location)) {
                LOG.warnf("The web view cannot read the run history in the datastore at %s, and shows what it read before: %s",
                        location.describe(), e.getMessage());
            }
            return lastRead.getOrDefault(location, List.of());
        }
    }

    /** A Run created again under a deleted one's name rewrites its record: read it again once that Run is gone. */
    private void forgetReplacedRecords(RecordedClusterRuns reader, List<HistoryRun> read) {
        for (HistoryRun run : read) {
            RunKey key = run.summary().key();
            cache.run(key.namespace(), key.run()).map(live -> createdAt(live))
                    .filter(created -> created > run.summary().startedAt())
                    .ifPresent(created -> reader.forget(run.recorded().flow(), run.recorded().runId()));
        }
    }

    private static long createdAt(Run run) {
        try {
            return Instant.parse(run.getMetadata().getCreationTimestamp()).toEpochMilli();
        } catch (RuntimeException unknown) {
            return 0;
        }
    }

    /** The operator's datastore, and those of the cached Flows and Runs of SDK flows. */
    private Set<DatastoreLocation> locations() {
        Set<DatastoreLocation> locations = new LinkedHashSet<>();
        datastores.defaultLocation().ifPresent(locations::add);
        flows.flows().stream().map(Flow::getSpec).filter(RunRecords::recorded).map(datastores::locationOf)
                .flatMap(Optional::stream).forEach(locations::add);
        cache.runs().stream().map(run -> run.getStatus() == null ? null : run.getStatus().pinnedFlow).filter(Objects::nonNull)
                .filter(RunRecords::recorded).map(datastores::locationOf).flatMap(Optional::stream).forEach(locations::add);
        return locations;
    }

    void stop(@Observes ShutdownEvent event) {
        refresher.shutdownNow();
    }
}
