package io.stratoflow.datastore.storage;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The bytes of one key on their way to S3, length unknown in advance. Up to one part is kept
 * in memory (growing from a small buffer, so a short log costs little); content that fits is
 * sent with one PUT by {@link #complete()}. Beyond it, a multipart upload sends full parts on
 * the storage's upload threads, at most {@code partsInFlight} at a time, recycling their
 * buffers: memory stays at {@code (partsInFlight + 1) * partSize} whatever the size.
 */
final class S3UploadStream extends OutputStream {

    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3Storage storage;
    private final String objectKey;
    private final int partSize;
    private final Semaphore inFlight;
    private final BlockingQueue<byte[]> spare;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();

    private byte[] buffer = new byte[FIRST_BUFFER];
    private int filled;
    private String uploadId;
    private volatile RuntimeException failed;
    private boolean done;

    S3UploadStream(S3Storage storage, String objectKey) {
        this.storage = storage;
        this.objectKey = objectKey;
        this.partSize = storage.settings().partSize();
        this.inFlight = new Semaphore(storage.settings().partsInFlight());
        this.spare = new ArrayBlockingQueue<>(storage.settings().partsInFlight() + 1);
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == buffer.length) {
            makeRoom();
        }
        buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (filled == buffer.length) {
                makeRoom();
            }
            int n = Math.min(length, buffer.length - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            offset += n;
            length -= n;
        }
    }

    /** The buffer is full: grow it up to a part, or send it as a part. */
    private void makeRoom() throws IOException {
        if (buffer.length < partSize) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(partSize, 2L * buffer.length));
            return;
        }
        sendPart();
    }

    private void sendPart() throws IOException {
        throwIfFailed();
        if (uploadId == null) {
            try {
                uploadId = storage.client().createMultipartUpload(b -> b.bucket(storage.bucket()).key(objectKey)).uploadId();
            } catch (SdkException e) {
                throw storage.failure("multipart upload", objectKey, e);
            }
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + objectKey);
        }
        byte[] part = buffer;
        int length = filled;
        int number = parts.size() + 1;
        String upload = uploadId;
        parts.add(storage.uploads().submit(() -> {
            try {
                String etag = storage.client().uploadPart(b -> b.bucket(storage.bucket()).key(objectKey).uploadId(upload)
                                .partNumber(number).contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length,
                                "application/octet-stream")).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            } catch (SdkException e) {
                failed = storage.failure("upload of part " + number, objectKey, e);
                throw e;
            } finally {
                spare.offer(part);
                inFlight.release();
            }
        }));
        byte[] next = spare.poll();
        buffer = next != null ? next : new byte[partSize];
        filled = 0;
    }

    /** Publishes the key: one PUT if nothing was sent yet, else the last part and the completion. */
    void complete() throws IOException {
        if (done) {
            return;
        }
        if (uploadId == null) {
            storage.putBytes(objectKey, buffer, 0, filled, null);
            done = true;
            return;
        }
        if (filled > 0) {
            sendPart();
        }
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (Future<CompletedPart> part : parts) {
            completed.add(await(part));
        }
        completed.sort(Comparator.comparing(CompletedPart::partNumber));
        try {
            storage.client().completeMultipartUpload(b -> b.bucket(storage.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed)));
        } catch (SdkException e) {
            throw storage.failure("completion of the multipart upload", objectKey, e);
        }
        done = true;
        buffer = null;
    }

    /** Drops what was sent: nothing becomes visible. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        for (Future<CompletedPart> part : parts) {
            part.cancel(true);
        }
        if (uploadId != null) {
            storage.abortQuietly(objectKey, uploadId);
        }
        buffer = null;
    }

    private CompletedPart await(Future<CompletedPart> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + objectKey);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw storage.failure("multipart upload", objectKey, sdk);
            }
            throw new IOException("upload of " + objectKey + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void throwIfFailed() {
        if (failed != null) {
            throw failed;
        }
    }
}
