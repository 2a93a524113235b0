package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(Arrays.copyOf(Files.readAllBytes(files.get(0)), 5)).as("zstd, marked S").isEqualTo(new byte[] {'S', 'F', 'O', 1, 'S'});
        assertThat(codec.read("text", ref, String.class)).isEqualTo(repetitive);
    }

    @Test
    void contentLargerThanAChunkIsStoredAsOnePackAndRoundTrips() throws Exception {
        StorageContentStore store = new StorageContentStore(new LocalStorage(root), 1 << 20, 3);
        byte[] chunk = new byte[1 << 20];
        new Random(42).nextBytes(chunk);
        int chunks = 6;
        ContentStore.Content sixTimes = out -> {
            for (int i = 0; i < chunks; i++) {
                out.write(chunk, 0, 1000);
                out.write(chunk, 1000, chunk.length - 1000);
            }
        };

        String hash = store.put(sixTimes);
        String again = store.put(sixTimes);

        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < chunks; i++) {
            expected.update(chunk);
        }
        assertThat(hash).isEqualTo(again).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(objectFiles()).as("the pack's index").hasSize(1);
        assertThat(packFiles()).as("one pack: the second put's is dropped").hasSize(1);
        assertThat(Files.size(packFiles().get(0))).as("six raw frames").isEqualTo(chunks * ((1L << 20) + 5));
        assertThat(listTree(root.resolve("tmp"))).as("partial files are cleaned up").isEmpty();
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
    void compressedChunksRoundTrip() throws Exception {
        StorageContentStore store = new StorageContentStore(new LocalStorage(root), 1 << 20, 3);
        Random random = new Random(7);
        byte[] content = new byte[(9 << 20) + 12345];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) "  eeettaoinshrdlu\n".charAt(random.nextInt(18));
        }

        String hash = store.put(out -> out.write(content));

        assertThat(Files.size(packFiles().get(0))).as("ten zstd frames").isLessThan(content.length * 3L / 4);
        try (InputStream in = store.open(hash)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        try (InputStream in = store.open(hash)) {
            assertThat(in.readNBytes(3 << 20)).isEqualTo(Arrays.copyOf(content, 3 << 20));
        } // closed midway, inside a frame
    }

    @Test
    void aTruncatedPackFailsTheRead() throws Exception {
        StorageContentStore store = new StorageContentStore(new LocalStorage(root), 1 << 20, 3);
        byte[] noise = new byte[3 << 20];
        new Random(11).nextBytes(noise);
        String hash = store.put(out -> out.write(noise));
        Path pack = packFiles().get(0);
        byte[] stored = Files.readAllBytes(pack);
        Files.write(pack, Arrays.copyOf(stored, stored.length - 1));

        try (InputStream in = store.open(hash)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("damaged pack packs/").hasMessageContaining("ends inside chunk 2");
        }
    }

    @Test
    void aProducerThatFailsMidwayLeavesNothingBehind() {
        StorageContentStore store = new StorageContentStore(new LocalStorage(root), 1 << 20, 2);
        byte[] noise = new byte[1 << 20];
        new Random(13).nextBytes(noise);

        assertThatThrownBy(() -> store.put(out -> {
            for (int i = 0; i < 5; i++) {
                out.write(noise);
            }
            throw new IOException("the producer broke");
        })).isInstanceOf(IOException.class).hasMessage("the producer broke");

        assertThat(listTree(root)).as("no object, no pack, no partial file").isEmpty();
    }

    @Test
    void incompressibleContentIsStoredRawAndMarkedSo() throws Exception {
        LocalContentStore store = new LocalContentStore(root);
        byte[] noise = new byte[1 << 20];
        new Random(5).nextBytes(noise);

        String hash = store.put(out -> out.write(noise));

        Path file = objectFiles().get(0);
        assertThat(Files.size(file)).isEqualTo(noise.length + 5L);
        assertThat(Arrays.copyOf(Files.readAllBytes(file), 5)).isEqualTo(new byte[] {'S', 'F', 'O', 1, 'R'});
        try (InputStream in = store.open(hash)) {
            assertThat(in.readAllBytes()).isEqualTo(noise);
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

    private List<Path> packFiles() throws IOException {
        return listTree(root.resolve(ChunkingWriter.PACKS));
    }

    private static List<Path> listTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
