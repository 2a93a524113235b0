package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.MissingKeyException;
import io.stratoflow.datastore.storage.Storage;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Content-addressed objects on a {@link Storage}: {@code objects/ab/cdef…}, the SHA-256 of the
 * uncompressed content, the same layout on a local directory and in S3 (see
 * {@link ObjectFormat}). Identical content is stored once: an object, or a chunk, that exists
 * is not written again.
 *
 * <p>Memory stays bounded whatever the size. Content up to one chunk is kept in memory, then
 * hashed, compressed (zstd) when that pays, and written with one request. Larger content is cut into
 * chunks as it is produced: while the caller goes on writing, worker threads hash, compress
 * (or store raw, when the data does not compress) and upload up to {@code parallelism} chunks
 * at a time; the object itself is then a manifest of its chunks. Reading a large object
 * opens the next chunks ahead of the reader, in parallel, and streams them to it, compressed
 * chunks decoded by idle workers where they get there first (see {@link ChunkReader}).
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
        try (ChunkingWriter writer = new ChunkingWriter()) {
            content.writeTo(writer);
            return writer.finish();
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
        if (opened.kind() != ObjectFormat.MANIFEST) {
            return ObjectFormat.content(opened);
        }
        ObjectFormat.Manifest manifest;
        try (InputStream body = opened.body()) {
            manifest = ObjectFormat.Manifest.read(body);
        }
        // one core is left to the reader, which decodes what the workers do not reach
        return new ChunkReader(storage, workers, manifest, 2 * parallelism, Math.max(1, compressing - 1));
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is not available", e));
        }
    }

    /**
     * Receives the content. The first chunk stays here; when more comes, it and every further
     * full chunk go to the workers, at most {@code parallelism} at a time, buffers recycled.
     */
    private final class ChunkingWriter extends OutputStream {

        private final MessageDigest whole = sha256();
        private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(parallelism + 1);
        /** Compression buffers: no more chunks compress at once than there are cores, which bounds memory too. */
        private final BlockingQueue<byte[]> scratches = new ArrayBlockingQueue<>(compressing);
        private final Semaphore compressors = new Semaphore(compressing);
        private final Semaphore inFlight = new Semaphore(parallelism);
        private final List<Future<byte[]>> chunks = new ArrayList<>();
        private byte[] buffer = new byte[ObjectFormat.HEADER + Math.min(chunkSize, 64 * 1024)];
        private int filled;
        private long total;
        private int checked;
        private boolean finished;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            whole.update(bytes, offset, length);
            total += length;
            while (length > 0) {
                if (filled == chunkSize) {
                    sendChunk();
                } else if (ObjectFormat.HEADER + filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, ObjectFormat.HEADER + (int) Math.min(chunkSize, 2L * (buffer.length - ObjectFormat.HEADER)));
                }
                int n = Math.min(length, buffer.length - ObjectFormat.HEADER - filled);
                System.arraycopy(bytes, offset, buffer, ObjectFormat.HEADER + filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        private void sendChunk() throws IOException {
            throwIfFailed();
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while storing content");
            }
            byte[] data = buffer;
            int length = filled;
            chunks.add(workers.submit(() -> {
                byte[][] scratch = new byte[1][];
                try {
                    MessageDigest digest = sha256();
                    digest.update(data, ObjectFormat.HEADER, length);
                    byte[] hash = digest.digest();
                    store(HexFormat.of().formatHex(hash), data, length, size -> {
                        compressors.acquireUninterruptibly();
                        byte[] pooled = scratches.poll();
                        try {
                            scratch[0] = pooled != null ? pooled : new byte[ObjectFormat.HEADER + chunkSize];
                        } finally {
                            if (scratch[0] == null) {
                                compressors.release();
                            }
                        }
                        return scratch[0];
                    });
                    return hash;
                } finally {
                    if (scratch[0] != null) {
                        scratches.offer(scratch[0]);
                        compressors.release();
                    }
                    spare.offer(data);
                    inFlight.release();
                }
            }));
            byte[] next = spare.poll();
            buffer = next != null ? next : new byte[ObjectFormat.HEADER + chunkSize];
            filled = 0;
        }

        /** Stops the writer at the first chunk that failed (a refused upload, a full disk) instead of at the end. */
        private void throwIfFailed() throws IOException {
            while (checked < chunks.size() && chunks.get(checked).isDone()) {
                await(chunks.get(checked++));
            }
        }

        String finish() throws IOException {
            finished = true;
            String hash = HexFormat.of().formatHex(whole.digest());
            if (chunks.isEmpty()) {
                store(hash, buffer, filled, byte[]::new);
                return hash;
            }
            if (filled > 0) {
                sendChunk();
            }
            List<byte[]> hashes = new ArrayList<>(chunks.size());
            for (Future<byte[]> chunk : chunks) {
                hashes.add(await(chunk));
            }
            String key = keyOf(hash);
            if (!storage.exists(key)) {
                storage.write(key, out -> {
                    DataOutputStream manifest = new DataOutputStream(out);
                    manifest.write(ObjectFormat.header(ObjectFormat.MANIFEST));
                    manifest.writeLong(total);
                    manifest.writeInt(chunkSize);
                    manifest.writeInt(hashes.size());
                    for (byte[] chunkHash : hashes) {
                        manifest.write(chunkHash);
                    }
                    manifest.flush();
                });
            }
            return hash;
        }

        /** Waits for the chunks still in flight, so that a failed put leaves no work running. */
        @Override
        public void close() {
            if (!finished) {
                for (Future<byte[]> chunk : chunks) {
                    try {
                        chunk.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (ExecutionException ignored) {
                        // the put fails with the content's own error
                    }
                }
            }
            buffer = null;
            spare.clear();
            scratches.clear();
        }
    }

    private static <T> T await(Future<T> future) throws IOException {
        return WorkerResults.await(future, "storing content");
    }
}
