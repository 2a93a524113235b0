package io.stratoflow.datastore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStorageTest {

    @TempDir
    Path root;

    @Test
    void keysAreFilesUnderTheRoot() throws Exception {
        Storage storage = new LocalStorage(root);
        storage.write("flows/F/1/run.json", out -> out.write("{}".getBytes(StandardCharsets.UTF_8)));
        storage.writeBytes("flows/F/1/train/0/task.json", new byte[] {'x', '{', '}', 'y'}, 1, 2);

        assertThat(Files.readString(root.resolve("flows/F/1/run.json"))).isEqualTo("{}");
        assertThat(Files.readString(root.resolve("flows/F/1/train/0/task.json"))).isEqualTo("{}");
        assertThat(storage.localFile("flows/F/1/run.json")).contains(root.resolve("flows/F/1/run.json"));
        assertThat(storage.exists("flows/F/1/run.json")).isTrue();
        assertThat(storage.exists("flows/F/1")).as("a prefix is not a key").isFalse();
        assertThat(storage.list("flows/F/1/")).containsExactlyInAnyOrder(new Storage.Entry("run.json", false), new Storage.Entry("train", true));
        assertThat(storage.list("flows/nothing")).isEmpty();

        storage.copy("flows/F/1/run.json", "flows/F/2/run.json");
        try (InputStream in = storage.read("flows/F/2/run.json")) {
            assertThat(in.readAllBytes()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        }
        storage.delete("flows/F/2/run.json");
        assertThat(storage.exists("flows/F/2/run.json")).isFalse();
    }

    @Test
    void aRecursiveListingGivesEveryKeyWithItsSizeAndAReadCanStartAtAnOffset() throws Exception {
        Storage storage = new LocalStorage(root);
        storage.writeBytes("flows/F/1/train/0/attempt-0.stdout.log", "hello\n".getBytes(StandardCharsets.UTF_8), 0, 6);
        storage.writeBytes("flows/F/1/train/0/task.json", "{}".getBytes(StandardCharsets.UTF_8), 0, 2);
        storage.writeBytes("flows/F/1/run.json", "{}".getBytes(StandardCharsets.UTF_8), 0, 2);
        storage.writeBytes("flows/G/1/run.json", "{}".getBytes(StandardCharsets.UTF_8), 0, 2);

        assertThat(storage.listRecursively("flows/F/1")).containsExactlyInAnyOrder(
                new Storage.SizedKey("train/0/attempt-0.stdout.log", 6), new Storage.SizedKey("train/0/task.json", 2),
                new Storage.SizedKey("run.json", 2));
        assertThat(storage.listRecursively("flows/F/2")).isEmpty();
        try (InputStream in = storage.read("flows/F/1/train/0/attempt-0.stdout.log", 2)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("llo\n");
        }
        try (InputStream in = storage.read("flows/F/1/train/0/attempt-0.stdout.log", 6)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        assertThatThrownBy(() -> storage.read("flows/F/1/train/9/attempt-0.stdout.log", 2)).isInstanceOf(MissingKeyException.class);
    }

    @Test
    void aWriteThatFailsPublishesNothing() throws IOException {
        Storage storage = new LocalStorage(root);
        assertThatThrownBy(() -> storage.write("a/b.log", out -> {
            out.write(new byte[1000]);
            throw new IOException("the producer failed");
        })).hasMessage("the producer failed");
        assertThat(storage.exists("a/b.log")).isFalse();
        assertThat(root.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void aMissingKeyIsNamedWithTheStore() {
        Storage storage = new LocalStorage(root);
        assertThatThrownBy(() -> storage.read("flows/F/9/run.json"))
                .isInstanceOf(MissingKeyException.class)
                .hasMessageContaining("flows/F/9/run.json").hasMessageContaining(root.toString());
    }

    @Test
    void keysCannotLeaveTheRoot() {
        Storage storage = new LocalStorage(root);
        for (String bad : List.of("../x", "/etc/passwd", "a//b", "a/./b", "a/", "")) {
            assertThatThrownBy(() -> storage.exists(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void exactlyOneWriterCreatesAKeyExclusively() throws Exception {
        Storage storage = new LocalStorage(root);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] mine = ("writer " + i).getBytes(StandardCharsets.UTF_8);
                attempts.add(threads.submit(() -> storage.createExclusively("claims/one", mine)));
            }
            int winners = 0;
            for (Future<Boolean> attempt : attempts) {
                winners += attempt.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }
}
