package io.stratoflow.operator.web;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.view.RunSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What one datastore tells the web view of the cluster's runs, read again and again as the view refreshes. */
class RecordedClusterRunsTest {

    private static final String FLOW = "ScalableFlow";

    @TempDir
    Path root;

    private Datastore datastore;

    @BeforeEach
    void open() {
        datastore = new Datastore(root);
    }

    @AfterEach
    void close() {
        datastore.close();
    }

    @Test
    void eachFlowsNewestRunsAreListedInTheirNamespaceAndALaptopsRunsNever() {
        for (int i = 1; i <= 5; i++) {
            record("run-" + i, RunPhase.SUCCEEDED, 1000L * i, "ada");
        }
        datastore.runs().writeRun(new RunRecord(FLOW, "laptop", "com.example.ScalableFlow", RunPhase.SUCCEEDED, 9000, 9500L, null,
                Map.of(), null, null));

        List<RunSummary> runs = summaries(new RecordedClusterRuns(datastore, 3).read());

        assertThat(runs).extracting(run -> run.key().run()).containsExactlyInAnyOrder("run-5", "run-4", "run-3");
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.key().namespace()).isEqualTo("team");
            assertThat(run.key().flow()).isEqualTo("scalable-flow");
            assertThat(run.user()).isEqualTo("ada");
            assertThat(run.runDeleted()).isTrue();
        });
    }

    @Test
    void aFinalRecordIsReadOnceAndAnUnfinishedOneAtEveryReading() {
        record("done", RunPhase.SUCCEEDED, 1000, "ada");
        record("going", RunPhase.RUNNING, 2000, "ada");
        RecordedClusterRuns reader = new RecordedClusterRuns(datastore, 10);
        reader.read();

        // a final record never changes: one rewritten behind the reader's back shows whether it is read again
        record("done", RunPhase.SUCCEEDED, 1000, "grace");
        record("going", RunPhase.SUCCEEDED, 2000, "ada");
        List<RunSummary> again = summaries(reader.read());

        assertThat(again).filteredOn(run -> run.key().run().equals("done")).singleElement()
                .satisfies(run -> assertThat(run.user()).isEqualTo("ada"));
        assertThat(again).filteredOn(run -> run.key().run().equals("going")).singleElement()
                .satisfies(run -> assertThat(run.phase()).isEqualTo("Succeeded"));
    }

    @Test
    void anOlderRunIsListedAgainOnceANewerOneIsGoneFromTheDatastore() throws IOException {
        for (int i = 1; i <= 3; i++) {
            record("run-" + i, RunPhase.SUCCEEDED, 1000L * i, "ada");
        }
        RecordedClusterRuns reader = new RecordedClusterRuns(datastore, 2);
        assertThat(summaries(reader.read())).extracting(run -> run.key().run()).containsExactlyInAnyOrder("run-3", "run-2");

        deleteRecursively(datastore.runs().runDir(FLOW, "run-3"));

        assertThat(summaries(reader.read())).extracting(run -> run.key().run()).containsExactlyInAnyOrder("run-2", "run-1");
    }

    private void record(String runId, RunPhase phase, long startedAt, String user) {
        datastore.runs().writeRun(new RunRecord(FLOW, runId, "com.example.ScalableFlow", phase, startedAt,
                phase.isFinal() ? startedAt + 500 : null, null, Map.of(), null, null, new RunRecord.RunObject("team", "scalable-flow", user)));
    }

    private static List<RunSummary> summaries(List<HistoryRun> runs) {
        return runs.stream().map(HistoryRun::summary).toList();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
