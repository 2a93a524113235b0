package io.stratoflow.datastore;

import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunRecordWriterTest {

    static final RunRecord.RunObject RUN_OBJECT = new RunRecord.RunObject("team-a", "train-model", "alice");
    static final RunRecordWriter.RunStart START = new RunRecordWriter.RunStart("TrainModel", "train-1", "com.example.TrainModel", 1_000L,
            "train-0", "end", RUN_OBJECT);
    static final Map<String, ArtifactRef> PARAMETERS = Map.of("alpha", new ArtifactRef("abc", "double"));

    @TempDir
    Path root;

    final AtomicInteger parametersStored = new AtomicInteger();

    RunStore runs() {
        return Datastore.open(DatastoreLocation.local(root)).runs();
    }

    Supplier<Map<String, ArtifactRef>> parameters() {
        return () -> {
            parametersStored.incrementAndGet();
            return PARAMETERS;
        };
    }

    @Test
    void aStartedRunIsRecordedRunningWithEveryFieldOfItsStart() {
        new RunRecordWriter(runs()).started(START, parameters());

        assertThat(runs().readRun("TrainModel", "train-1")).contains(new RunRecord("TrainModel", "train-1", "com.example.TrainModel",
                RunPhase.RUNNING, 1_000L, null, null, PARAMETERS, "train-0", "end", RUN_OBJECT));
    }

    @Test
    void aFinishedRunKeepsItsStateAndIsNotRecordedAgainByTheSameStart() {
        RunRecordWriter writer = new RunRecordWriter(runs());
        RunState state = new RunState(4, 10);
        writer.finished(START, parameters(), RunPhase.FAILED, "Step 'start' failed", 2_000L, state);
        RunRecord failed = runs().readRun("TrainModel", "train-1").orElseThrow();
        assertThat(failed.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(failed.message()).isEqualTo("Step 'start' failed");
        assertThat(failed.finishedAtMillis()).isEqualTo(2_000L);
        assertThat(failed.runObject()).isEqualTo(RUN_OBJECT);
        assertThat(runs().readState("TrainModel", "train-1")).get().extracting(RunState::maxWorkers).isEqualTo(4);

        writer.started(START, parameters());
        writer.finished(START, parameters(), RunPhase.SUCCEEDED, null, 3_000L, null);
        assertThat(runs().readRun("TrainModel", "train-1")).contains(failed);
        assertThat(parametersStored).hasValue(1);
    }

    @Test
    void aRunStartedAgainUnderItsIdReplacesTheEndedOnesRecord() {
        RunRecordWriter writer = new RunRecordWriter(runs());
        writer.finished(START, parameters(), RunPhase.SUCCEEDED, null, 2_000L, null);
        RunRecordWriter.RunStart later = new RunRecordWriter.RunStart("TrainModel", "train-1", "com.example.TrainModel", 5_000L,
                null, null, RUN_OBJECT);

        writer.started(later, parameters());

        RunRecord running = runs().readRun("TrainModel", "train-1").orElseThrow();
        assertThat(running.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(running.startedAtMillis()).isEqualTo(5_000L);
    }

    @Test
    void aRunIsRecordedByItsFirstTaskOnlyWhenItHasNoRecord() {
        RunRecordWriter writer = new RunRecordWriter(runs());
        RunRecordWriter.RunStart byTask = new RunRecordWriter.RunStart("TrainModel", "train-1", "com.example.TrainModel", 1_500L,
                null, null, null);

        RunRecord written = writer.recordedOrStarted(byTask, parameters());
        assertThat(written).isEqualTo(new RunRecord("TrainModel", "train-1", "com.example.TrainModel", RunPhase.RUNNING, 1_500L,
                null, null, PARAMETERS, null, null));
        assertThat(runs().readRun("TrainModel", "train-1")).contains(written);

        assertThat(writer.recordedOrStarted(START, parameters())).isEqualTo(written);
        assertThat(parametersStored).hasValue(1);
    }

    @Test
    void aRunDoesNotFinishRunning() {
        assertThatThrownBy(() -> new RunRecordWriter(runs()).finished(START, parameters(), RunPhase.RUNNING, null, 2_000L, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not RUNNING");
        assertThat(runs().readRun("TrainModel", "train-1")).isEmpty();
    }
}
