package io.stratoflow.datastore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LocalContentStoreTest {

    @TempDir
    Path root;

    @Test
    void identicalContentIsStoredOnceUnderItsSha256() throws Exception {
        LocalContentStore store = new LocalContentStore(root);
        byte[] bytes = "the same artifact".getBytes(StandardCharsets.UTF_8);

        String first = store.put(out -> out.write(bytes));
        String second = store.put(out -> out.write(bytes));
        String other = store.put(out -> out.write("another artifact".getBytes(StandardCharsets.UTF_8)));

        assertThat(first).isEqualTo(second).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(other).isNotEqualTo(first);
        assertThat(objectFiles()).hasSize(2);
        assertThat(store.contains(first)).isTrue();
        try (InputStream in = store.open(first)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void objectsAreCompressedOnDisk() throws Exception {
        ArtifactCodec codec = new ArtifactCodec(new LocalContentStore(root));
        String repetitive = "0123456789abcdef".repeat(64 * 1024); // 1 MiB

        ArtifactRef ref = codec.write("text", String.class, repetitive);

        List<Path> files = objectFiles();
        assertThat(files).hasSize(1);
        assertThat(Files.size(files.get(0))).isLessThan(50 * 1024);
        assertThat(codec.read("text", ref, String.class)).isEqualTo(repetitive);
    }

    @Test
    void contentLargerThanTheInMemoryLimitSpillsToDiskAndRoundTrips() throws Exception {
        LocalContentStore store = new LocalContentStore(root);
        byte[] chunk = new byte[1 << 20];
        new Random(42).nextBytes(chunk);
        int chunks = 6; // 6 MiB, above the 4 MiB kept in memory
        boolean[] spilled = new boolean[1];

        String hash = store.put(out -> {
            for (int i = 0; i < chunks; i++) {
                out.write(chunk);
            }
            spilled[0] = listTree(root.resolve("tmp")).stream().anyMatch(p -> p.getFileName().toString().startsWith("spill"));
        });

        assertThat(spilled[0]).as("content above 4 MiB went to a spill file while it was written").isTrue();
        assertThat(listTree(root.resolve("tmp"))).as("spill and partial files are cleaned up").isEmpty();
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < chunks; i++) {
            expected.update(chunk);
        }
        assertThat(hash).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        try (InputStream in = store.open(hash)) {
            byte[] buffer = new byte[chunk.length];
            for (int i = 0; i < chunks; i++) {
                assertThat(in.readNBytes(buffer, 0, buffer.length)).isEqualTo(chunk.length);
                assertThat(buffer).isEqualTo(chunk);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void largeArtifactRoundTripsThroughTheCodec() {
        ArtifactCodec codec = new ArtifactCodec(new LocalContentStore(root));
        Random random = new Random(7);
        List<String> rows = Stream.generate(() -> Long.toHexString(random.nextLong()) + "," + random.nextDouble())
                .limit(200_000).toList(); // about 7 MB of JSON

        ArtifactRef ref = codec.write("rows", new TypeHolder<List<String>>() { }.type(), rows);

        assertThat(codec.read("rows", ref, new TypeHolder<List<String>>() { }.type())).isEqualTo(rows);
    }

    @Test
    void missingObjectIsReportedWithTheDatastore() {
        LocalContentStore store = new LocalContentStore(root);
        String hash = "ab".repeat(32);
        assertThat(store.contains(hash)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.open(hash))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(hash).hasMessageContaining(root.toString());
    }

    private List<Path> objectFiles() throws IOException {
        return listTree(root.resolve("objects"));
    }

    private static List<Path> listTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
