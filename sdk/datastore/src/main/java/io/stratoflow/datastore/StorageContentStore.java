package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.MissingKeyException;
import io.stratoflow.datastore.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Content-addressed objects on a {@link Storage}: {@code objects/ab/cdef…}, the SHA-256 of the
 * uncompressed content, the same layout on a local directory and in S3 (see
 * {@link ObjectFormat}). Identical content is stored once: an object, or a chunk, that exists
 * is not written again.
 *
 * <p>Memory stays bounded whatever the size. Content up to one chunk is kept in memory, then
 * hashed, compressed (zstd) when that pays, and written with one request. Larger content is cut
 * into chunks as it is produced: while the caller goes on writing, worker threads compress up to
 * {@code parallelism} chunks at a time (or leave them raw, when the data does not compress) and
 * one pack receives them in order, as a single upload; the object is then the pack's index (see
 * {@link ChunkingWriter}). Reading a large object is one request for the pack, decoded as it
 * streams ({@link PackReader}).
 */
public final class StorageContentStore implements ContentStore {

    public static final String OBJECTS = "objects";
    public static final int DEFAULT_CHUNK_SIZE = 8 << 20;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Storage storage;
    private final int chunkSize;
    private final int parallelism;
    private final int compressing;
    private final ExecutorService workers;

    public StorageContentStore(Storage storage) {
        this(storage, DEFAULT_CHUNK_SIZE, defaultParallelism());
    }

    /**
     * @param chunkSize   bytes per chunk of a large object (and the most kept in memory for a small one)
     * @param parallelism chunks compressed and transferred at the same time, per object
     */
    public StorageContentStore(Storage storage, int chunkSize, int parallelism) {
        if (chunkSize < 64 * 1024 || parallelism < 1) {
            throw new IllegalArgumentException("chunks of at least 64 KiB and a positive parallelism, not " + chunkSize + " and " + parallelism);
        }
        this.storage = storage;
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
        this.compressing = Math.max(1, Math.min(parallelism, Runtime.getRuntime().availableProcessors()));
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "stratoflow-content-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private static int defaultParallelism() {
        return Math.max(4, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));
    }

    public Storage storage() {
        return storage;
    }

    @Override
    public String put(Content content) throws IOException {
        try (ChunkingWriter writer = new ChunkingWriter(storage, workers, chunkSize, parallelism, compressing)) {
            content.writeTo(writer);
            return writer.finish((hash, data, length) -> store(hash, data, length, byte[]::new));
        }
    }

    @Override
    public InputStream open(String hash) throws IOException {
        String key = keyOf(hash);
        InputStream stored;
        try {
            stored = storage.read(key);
        } catch (MissingKeyException e) {
            throw new MissingKeyException(key, storage.describe(), "object " + hash);
        }
        ObjectFormat.Opened opened = ObjectFormat.open(stored);
        if (opened.kind() == ObjectFormat.PACK) {
            ObjectFormat.Pack pack;
            try (InputStream body = opened.body()) {
                pack = ObjectFormat.Pack.read(body);
            }
            return new PackReader(storage, pack);
        }
        return ObjectFormat.content(opened);
    }

    @Override
    public boolean contains(String hash) {
        try {
            return storage.exists(keyOf(hash));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The storage key of a hash: {@code objects/ab/cdef…}. */
    public static String keyOf(String hash) {
        if (hash.length() < 3 || !hash.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a content hash: " + hash);
        }
        return OBJECTS + "/" + hash.substring(0, 2) + "/" + hash.substring(2);
    }

    /** Writes an encoded object unless it is already stored. */
    private void store(String hash, byte[] data, int length, java.util.function.IntFunction<byte[]> scratch) throws IOException {
        String key = keyOf(hash);
        if (storage.exists(key)) {
            return;
        }
        int[] encodedLength = new int[1];
        byte[] encoded = ObjectFormat.encode(data, length, scratch, encodedLength);
        storage.writeBytes(key, encoded, 0, encodedLength[0]);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is not available", e));
        }
    }

}
