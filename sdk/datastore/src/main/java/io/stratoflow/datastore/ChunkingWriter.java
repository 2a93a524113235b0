package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.Storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Receives the content of one object and stores it under its SHA-256.
 *
 * <p>The first chunk stays here; content that fits in it is stored as one object. When more
 * comes, every full chunk goes to a worker, which compresses it where that pays (see
 * {@link ObjectFormat#encode}), and a packer writes the encoded chunks, in order, into one pack
 * of unknown length (on S3 a multipart upload), while the caller goes on producing. At most
 * {@code parallelism} chunks are between the caller and the pack at once, buffers recycled, so
 * memory stays bounded whatever the size. The object's key then holds the pack's index; if the
 * same content was stored meanwhile, the new pack is deleted instead.
 */
final class ChunkingWriter extends OutputStream {

    /** Where packs live, next to the objects that index them. */
    static final String PACKS = "packs";

    private final Storage storage;
    private final ExecutorService workers;
    private final int chunkSize;
    private final MessageDigest whole = StorageContentStore.sha256();
    private final BlockingQueue<byte[]> spare;
    /** Compression buffers: no more chunks compress at once than there are cores, which bounds memory too. */
    private final BlockingQueue<byte[]> scratches;
    private final Semaphore compressors;
    /** Chunks handed to workers and not yet written into the pack. */
    private final Semaphore inFlight;
    private final int parallelism;
    /** Encoded chunks in content order, for the packer; {@link #END} closes it, {@link #ABANDON} drops it. */
    private final BlockingQueue<Future<Frame>> frames = new LinkedBlockingQueue<>();
    private final List<Integer> frameLengths = new ArrayList<>();
    private final String packKey = PACKS + "/" + UUID.randomUUID();
    private CompletableFuture<Void> packer;
    private byte[] buffer;
    private int filled;
    private long total;
    private boolean finished;

    private static final Future<Frame> END = CompletableFuture.completedFuture(null);
    private static final Future<Frame> ABANDON = CompletableFuture.completedFuture(null);

    /** An encoded chunk: {@code length} bytes of {@code data}, header included. */
    private record Frame(byte[] data, int length) {
    }

    ChunkingWriter(Storage storage, ExecutorService workers, int chunkSize, int parallelism, int compressing) {
        this.storage = storage;
        this.workers = workers;
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
        this.spare = new ArrayBlockingQueue<>(parallelism + 1);
        this.scratches = new ArrayBlockingQueue<>(compressing);
        this.compressors = new Semaphore(compressing);
        this.inFlight = new Semaphore(parallelism);
        this.buffer = new byte[ObjectFormat.HEADER + Math.min(chunkSize, 64 * 1024)];
    }

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
        if (packer == null) {
            packer = CompletableFuture.runAsync(this::pack, workers);
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing content");
        }
        throwIfPackerFailed();
        byte[] data = buffer;
        int length = filled;
        frames.add(workers.submit(() -> encode(data, length)));
        byte[] next = spare.poll();
        buffer = next != null ? next : new byte[ObjectFormat.HEADER + chunkSize];
        filled = 0;
    }

    /** Compresses a chunk where that pays, into its own buffer: the scratch is free again at once. */
    private Frame encode(byte[] data, int length) {
        byte[][] scratch = new byte[1][];
        try {
            int[] encodedLength = new int[1];
            byte[] encoded = ObjectFormat.encode(data, length, size -> {
                compressors.acquireUninterruptibly();
                byte[] pooled = scratches.poll();
                scratch[0] = pooled != null && pooled.length >= size ? pooled : new byte[ObjectFormat.HEADER + chunkSize];
                return scratch[0];
            }, encodedLength);
            if (encoded != data) {
                System.arraycopy(encoded, 0, data, 0, encodedLength[0]);
            }
            return new Frame(data, encodedLength[0]);
        } finally {
            if (scratch[0] != null) {
                scratches.offer(scratch[0]);
                compressors.release();
            }
        }
    }

    /** The packer: writes the frames in order into the pack, which is published when {@link #END} arrives. */
    private void pack() {
        try {
            storage.write(packKey, out -> {
                while (true) {
                    Future<Frame> next = take();
                    if (next == END) {
                        return;
                    }
                    if (next == ABANDON) {
                        throw new IOException("the content's producer failed; the pack is dropped");
                    }
                    Frame frame = WorkerResults.await(next, "storing content");
                    try {
                        out.write(frame.data(), 0, frame.length());
                        frameLengths.add(frame.length());
                    } finally {
                        spare.offer(frame.data());
                        inFlight.release();
                    }
                }
            });
        } catch (IOException e) {
            throw new PackFailure(e);
        } finally {
            // a failed packer takes no more frames: let a producer waiting for room see the failure
            inFlight.release(parallelism + 1);
        }
    }

    private Future<Frame> take() throws InterruptedIOException {
        try {
            return frames.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing content");
        }
    }

    /** Carries the packer's IOException out of the worker that ran it. */
    private static final class PackFailure extends RuntimeException {
        PackFailure(IOException cause) {
            super(cause);
        }
    }

    /** Stops the producer at the first failure (a refused upload, a full disk) instead of at the end. */
    private void throwIfPackerFailed() throws IOException {
        if (packer.isDone()) {
            awaitPacker();
            throw new IOException("the pack of this content ended before the content did");
        }
    }

    private void awaitPacker() throws IOException {
        try {
            packer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing content");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PackFailure failure) {
                throw (IOException) failure.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    /** Stores what was written and returns its hash. */
    String finish(ObjectWriter small) throws IOException {
        finished = true;
        String hash = HexFormat.of().formatHex(whole.digest());
        if (packer == null) {
            small.store(hash, buffer, filled);
            return hash;
        }
        if (filled > 0) {
            sendChunk();
        }
        frames.add(END);
        awaitPacker();
        String key = StorageContentStore.keyOf(hash);
        if (storage.exists(key)) {
            storage.delete(packKey);
            return hash;
        }
        int[] lengths = frameLengths.stream().mapToInt(Integer::intValue).toArray();
        ObjectFormat.Pack index = new ObjectFormat.Pack(total, chunkSize, packKey, lengths);
        storage.write(key, index::writeTo);
        return hash;
    }

    /** Stores content that fit in one chunk, encoded, at its hash. */
    @FunctionalInterface
    interface ObjectWriter {
        void store(String hash, byte[] data, int length) throws IOException;
    }

    /** After a failed put, drops the pack and waits for the packer, so that no work is left running. */
    @Override
    public void close() {
        if (!finished && packer != null) {
            frames.add(ABANDON);
            try {
                packer.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ignored) {
                // the put fails with the content's own error
            }
        }
        buffer = null;
        spare.clear();
        scratches.clear();
    }
}
