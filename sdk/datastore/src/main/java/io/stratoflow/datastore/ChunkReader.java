package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The content of a manifest: its chunks, opened up to {@code ahead} ahead of the reader by
 * worker threads, in parallel, and handed to the reader in order. Against a loaded server each
 * request costs milliseconds before its first byte; opening ahead hides that.
 *
 * <p>Who decodes a chunk is settled per chunk, by whoever claims it first:
 * <ul>
 * <li>the reader streams a chunk it reaches first straight into its own buffer (zstd decodes
 *     into it): no chunk on the heap, no extra copy, and the output stays in cache;</li>
 * <li>a worker that opens a compressed chunk while one of {@code decoders} chunk buffers is
 *     free decodes it whole into that buffer, so that decompression, which costs far more CPU
 *     than receiving, runs on the other cores too while the reader is busy; the reader then
 *     only copies it.</li>
 * </ul>
 * Raw chunks always stream: the reader would only trade one copy for another. When the
 * workers keep ahead, the reader copies; when they cannot (no idle core), the reader decodes
 * what they did not reach. Memory is bounded by {@code decoders} chunks and the open streams.
 */
final class ChunkReader extends InputStream {

    private final Storage storage;
    private final ExecutorService workers;
    private final ObjectFormat.Manifest manifest;
    private final int ahead;
    private final Deque<Pending> pending = new ArrayDeque<>();
    /** Chunk buffers, at most {@code decoders}, in use or spare. */
    private final Semaphore decoders;
    private final BlockingQueue<byte[]> spare;
    private int next;
    private Opened current;
    private int position;
    private boolean closed;

    ChunkReader(Storage storage, ExecutorService workers, ObjectFormat.Manifest manifest, int ahead, int decoders) {
        this.storage = storage;
        this.workers = workers;
        this.manifest = manifest;
        this.ahead = ahead;
        this.decoders = new Semaphore(decoders);
        this.spare = new ArrayBlockingQueue<>(Math.max(1, decoders));
        fill();
    }

    /** Chunk {@code index} opened ahead: either its open {@code stream} or, decoded by a worker, {@code length} bytes of {@code data}. */
    private record Opened(int index, InputStream stream, byte[] data, int length) {
    }

    /** A chunk being opened; {@code claimed} once the reader or a worker has taken on decoding it. */
    private record Pending(CompletableFuture<Opened> opened, AtomicBoolean claimed) {
    }

    private void fill() {
        while (pending.size() < ahead && next < manifest.chunks().length) {
            int index = next++;
            AtomicBoolean claimed = new AtomicBoolean();
            CompletableFuture<Opened> opened = new CompletableFuture<>();
            workers.execute(() -> {
                try {
                    opened.complete(open(index, claimed));
                } catch (Throwable e) {
                    opened.completeExceptionally(e);
                }
            });
            pending.add(new Pending(opened, claimed));
        }
    }

    /** Every chunk but the last holds exactly the manifest's chunk size. */
    private int expectedLength(int index) {
        return (int) Math.max(0, Math.min(manifest.chunkSize(), manifest.length() - (long) index * manifest.chunkSize()));
    }

    private Opened open(int index, AtomicBoolean claimed) throws IOException {
        String chunkHash = manifest.chunks()[index];
        ObjectFormat.Opened opened = ObjectFormat.open(storage.read(StorageContentStore.keyOf(chunkHash)));
        InputStream stream = ObjectFormat.content(opened);
        if (opened.kind() == ObjectFormat.RAW || !decoders.tryAcquire()) {
            return new Opened(index, stream, null, 0);
        }
        if (!claimed.compareAndSet(false, true)) { // the reader got here first and streams it
            decoders.release();
            return new Opened(index, stream, null, 0);
        }
        byte[] reuse = spare.poll();
        byte[] data = reuse != null ? reuse : new byte[manifest.chunkSize()];
        try (stream) {
            int expected = expectedLength(index);
            int length = stream.readNBytes(data, 0, expected);
            checkLength(index, length + (stream.read() >= 0 ? 1 : 0));
            return new Opened(index, null, data, length);
        } catch (IOException | RuntimeException e) {
            recycle(data);
            throw e;
        }
    }

    /** A truncated or overlong chunk fails the read instead of shifting the content. */
    private void checkLength(int index, long length) throws IOException {
        if (length != expectedLength(index)) {
            throw new IOException("chunk " + StorageContentStore.keyOf(manifest.chunks()[index]) + " does not hold the "
                    + expectedLength(index) + " bytes its manifest says");
        }
    }

    private void recycle(byte[] data) {
        spare.offer(data);
        decoders.release();
    }

    private boolean advance() throws IOException {
        release(current);
        current = null;
        Pending chunk = pending.poll();
        if (chunk == null) {
            return false;
        }
        chunk.claimed().set(true); // from here on a worker leaves it to the reader
        current = await(chunk.opened());
        position = 0;
        fill();
        return true;
    }

    private void release(Opened chunk) throws IOException {
        if (chunk == null) {
            return;
        }
        if (chunk.stream() != null) {
            chunk.stream().close();
        } else {
            recycle(chunk.data());
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (current != null && current.stream() != null) {
                int n = current.stream().read(into, offset, length);
                if (n >= 0) {
                    position += n;
                    return n;
                }
                checkLength(current.index(), position);
            } else if (current != null && position < current.length()) {
                int n = Math.min(length, current.length() - position);
                System.arraycopy(current.data(), position, into, offset, n);
                position += n;
                return n;
            }
            if (!advance()) {
                return -1;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Opened last = current;
        current = null;
        release(last);
        for (Pending chunk : pending) {
            chunk.claimed().set(true);
            chunk.opened().thenAccept(this::releaseQuietly); // once opened, whenever that is
        }
        pending.clear();
        spare.clear();
    }

    private void releaseQuietly(Opened chunk) {
        try {
            release(chunk);
        } catch (IOException ignored) {
            // an abandoned chunk: its connection is dropped either way
        }
    }

    private static <T> T await(Future<T> future) throws IOException {
        return WorkerResults.await(future, "reading content");
    }
}
