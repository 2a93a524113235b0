package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.TaskRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogFollowerTest {

    @TempDir
    Path root;

    @Test
    void printsWhatARunningTaskAddsAndStopsWhenItEnds() throws Exception {
        Datastore datastore = new Datastore(root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store(datastore, 0, "first\n");
        LogFollower follower = new LogFollower(datastore, "F", "r1", "train", "0", List.of("stdout"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
            try {
                follower.follow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> out.toString(StandardCharsets.UTF_8).equals("first\n"));

        store(datastore, 0, "first\nsecond\n");
        await().atMost(10, TimeUnit.SECONDS).until(() -> out.toString(StandardCharsets.UTF_8).equals("first\nsecond\n"));
        assertThat(following).as("the task has not ended").isNotDone();

        store(datastore, 1, "retried\n");
        datastore.runs().writeTask("F", "r1", new TaskRecord("train", "0", 1, TaskRecord.SUCCEEDED, Map.of(), null, null, 0, 1, null));
        following.get(10, TimeUnit.SECONDS);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond\nretried\n");
    }

    private static void store(Datastore datastore, int attempt, String text) {
        datastore.runs().storeLog("F", "r1", "train", "0", attempt, "stdout", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
