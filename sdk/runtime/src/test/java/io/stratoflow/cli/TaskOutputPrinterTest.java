package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunStore;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.datastore.storage.LocalStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Task output of a cluster run, read from log objects stored as the task runner stores them: each whole, every few seconds. */
class TaskOutputPrinterTest {

    private static final BiPredicate<String, String> NOTHING_HERE = (step, task) -> false;

    @TempDir
    Path root;

    private Datastore datastore;
    private CountingStorage storage;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        datastore = new Datastore(root);
        storage = new CountingStorage(new LocalStorage(root));
    }

    @Test
    void newCompleteLinesArePrintedOncePrefixedAndInOrder() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, false);
        store("start", "0", 0, "stdout", "loading\nhalf a li");
        store("train", "0", 0, "stdout", "step 1\n");
        printer.pass(false);
        assertThat(printed()).containsExactly("[r1/start/0] loading", "[r1/train/0] step 1");

        store("start", "0", 0, "stdout", "loading\nhalf a line, now whole\nnext\n");
        store("train", "0", 0, "stdout", "step 1\nstep 2\n");
        printer.pass(false);
        printer.pass(false);
        assertThat(printed()).containsExactly("[r1/start/0] loading", "[r1/train/0] step 1",
                "[r1/start/0] half a line, now whole", "[r1/start/0] next", "[r1/train/0] step 2");
    }

    @Test
    void aHeldBackLineIsPrintedOnceItsTaskEndedOrTheRunEnded() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, false);
        store("end", "0", 0, "stdout", "Best model: JP");
        store("train", "1", 0, "stderr", "warning: no newline");
        printer.pass(false);
        assertThat(printed()).isEmpty();

        ended("end", "0", TaskRecord.SUCCEEDED);
        printer.pass(false);
        assertThat(printed()).containsExactly("[r1/end/0] Best model: JP");

        printer.finish();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("[r1/train/1] warning: no newline\n");
        assertThat(printed()).containsExactly("[r1/end/0] Best model: JP");
    }

    @Test
    void aPassListsOnceAndReadsOnlyTheNewBytesOfTheLogsThatGrew() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, false);
        for (int task = 0; task < 3; task++) {
            store("train", Integer.toString(task), 0, "stdout", "epoch 1 of task " + task + "\n");
        }
        printer.pass(false);
        assertThat(storage.listings()).isEqualTo(1);
        assertThat(storage.reads()).hasSize(3);

        storage.reset();
        store("train", "1", 0, "stdout", "epoch 1 of task 1\nepoch 2 of task 1\n");
        printer.pass(false);
        assertThat(storage.listings()).isEqualTo(1);
        assertThat(storage.reads()).containsExactly("flows/F/r1/train/1/attempt-0.stdout.log@" + "epoch 1 of task 1\n".length());
        assertThat(printed()).endsWith("[r1/train/1] epoch 2 of task 1");

        storage.reset();
        printer.pass(false);
        assertThat(storage.listings()).isEqualTo(1);
        assertThat(storage.reads()).isEmpty();
    }

    @Test
    void aRetriedTaskPrintsEachAttemptWithItsOwnPrefix() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, false);
        store("train", "0", 0, "stdout", "try once\n");
        printer.pass(false);
        store("train", "0", 1, "stdout", "try again\n");
        printer.pass(false);
        assertThat(printed()).containsExactly("[r1/train/0] try once", "[r1/train/0 attempt 1] try again");
    }

    @Test
    void aWideForeachPrintsItsFirstTasksAndItsFailedOnesAndSaysHowManyItDidNot() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, false);
        int width = ShownTasks.PER_STEP + 5;
        for (int task = 0; task < width; task++) {
            store("train", Integer.toString(task), 0, "stdout", "score of " + task + "\n");
        }
        int retried = ShownTasks.PER_STEP + 2;
        store("train", Integer.toString(retried), 1, "stdout", "retried " + retried + "\n");
        printer.pass(false);

        List<String> expected = new ArrayList<>();
        for (int task = 0; task < ShownTasks.PER_STEP; task++) {
            expected.add("[r1/train/" + task + "] score of " + task);
        }
        expected.add("Output of step train's tasks after the first " + ShownTasks.PER_STEP
                + " is not shown, except failed tasks' (logs r1/train shows it; --task-output all prints it).");
        expected.add("[r1/train/" + retried + "] score of " + retried);
        expected.add("[r1/train/" + retried + " attempt 1] retried " + retried);
        assertThat(printed()).containsExactlyElementsOf(expected);
        assertThat(storage.reads()).noneMatch(read -> read.contains("/train/" + ShownTasks.PER_STEP + "/"));

        int failed = width - 1;
        printer.failed("train", Integer.toString(failed));
        printer.finish();
        expected.add("[r1/train/" + failed + "] score of " + failed);
        expected.add("... output of 3 more tasks of step train not shown; logs r1/train shows it");
        assertThat(printed()).containsExactlyElementsOf(expected);
        assertThat(printer.printed("train", Integer.toString(failed))).isTrue();
        assertThat(printer.printed("train", Integer.toString(ShownTasks.PER_STEP))).isFalse();
    }

    @Test
    void noneMeansNoTaskOutputAndNoListing() {
        TaskOutputPrinter printer = printer(TaskOutputMode.NONE, NOTHING_HERE, false);
        store("train", "0", 0, "stdout", "epoch 1\n");
        printer.pass(false);
        printer.failed("train", "0");
        printer.finish();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(storage.listings()).isZero();
    }

    @Test
    void allPrintsEveryTaskOfAWideForeach() {
        TaskOutputPrinter printer = printer(TaskOutputMode.ALL, NOTHING_HERE, false);
        for (int task = 0; task < ShownTasks.PER_STEP + 5; task++) {
            store("train", Integer.toString(task), 0, "stdout", "score\n");
        }
        printer.finish();
        assertThat(printed()).hasSize(ShownTasks.PER_STEP + 5).allMatch(line -> line.endsWith("] score"));
    }

    @Test
    void anUnreachableDatastoreIsReportedOnceAndTheOutputComesWhenItIsBack() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, false);
        store("train", "0", 0, "stdout", "epoch 1\n");
        storage.unreachable(true);
        printer.pass(false);
        printer.pass(false);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                .startsWith("Task output cannot be read from s3://bucket/prefix").contains("Connection refused");
        assertThat(printed()).isEmpty();

        storage.unreachable(false);
        printer.pass(false);
        assertThat(printed()).containsExactly("[r1/train/0] epoch 1");
    }

    @Test
    void tasksThatRunOnThisMachineAreNotPrintedTwice() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, (step, task) -> step.equals("start"), false);
        store("start", "0", 0, "stdout", "printed by the laptop's relay\n");
        store("train", "0", 0, "stdout", "from a Pod\n");
        printer.finish();
        assertThat(printed()).containsExactly("[r1/train/0] from a Pod");
        assertThat(storage.reads()).noneMatch(read -> read.contains("/start/"));
    }

    @Test
    void aResumedRunDoesNotPrintWhatItsClonedTasksPrintedInTheOriginRun() {
        TaskOutputPrinter printer = printer(TaskOutputMode.LIMITED, NOTHING_HERE, true);
        store("start", "0", 0, "stdout", "from the origin run\n");
        ended("start", "0", TaskRecord.CLONED);
        store("train", "0", 0, "stdout", "ran again\n");
        ended("train", "0", TaskRecord.SUCCEEDED);
        printer.finish();
        assertThat(printed()).containsExactly("[r1/train/0] ran again");
    }

    private TaskOutputPrinter printer(TaskOutputMode mode, BiPredicate<String, String> printedHere, boolean resumed) {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new TaskOutputPrinter(new RunStore(storage), storage.describe(), "F", "r1", new ShownTasks(mode, ShownTasks.PER_STEP),
                printedHere, resumed, new ProgressLine(stdout, false), stdout, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Stores a log whole, as the task runner's flusher does. */
    private void store(String step, String task, int attempt, String stream, String text) {
        datastore.runs().storeLog("F", "r1", step, task, attempt, stream, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private void ended(String step, String task, String status) {
        datastore.runs().writeTask("F", "r1", new TaskRecord(step, task, 0, status, Map.of(), null, null, 1, 2, null));
    }

    private List<String> printed() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
