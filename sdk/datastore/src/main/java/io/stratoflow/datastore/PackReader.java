package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The content of a packed object, read with one request: the pack's frames one after the other,
 * each decoded as it streams by (raw frames are copied straight from the connection into the
 * caller's buffer). Every frame must hold exactly the bytes its index says, so a truncated or
 * damaged pack fails the read instead of shifting the content.
 */
final class PackReader extends InputStream {

    private final ObjectFormat.Pack pack;
    private final String where;
    private final InputStream stored;
    private int frame = -1;
    private BoundedInputStream frameBytes;
    private InputStream content;
    private long read;
    private boolean closed;

    PackReader(Storage storage, ObjectFormat.Pack pack) throws IOException {
        this.pack = pack;
        this.where = pack.key() + " in " + storage.describe();
        this.stored = storage.read(pack.key());
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
            if (content != null) {
                int n = content.read(into, offset, length);
                if (n > 0) {
                    read += n;
                    return n;
                }
                endFrame();
            }
            if (frame + 1 == pack.frameLengths().length) {
                return -1;
            }
            startFrame();
        }
    }

    private void startFrame() throws IOException {
        frame++;
        read = 0;
        frameBytes = new BoundedInputStream(stored, pack.frameLengths()[frame]);
        content = ObjectFormat.content(ObjectFormat.openFrame(frameBytes, where));
    }

    private void endFrame() throws IOException {
        content.close(); // frees a decoder; the pack's stream stays open
        content = null;
        if (read != pack.chunkLength(frame) || frameBytes.left > 0) {
            throw new IOException("damaged pack " + where + ": chunk " + frame + " holds " + read + " bytes, not the "
                    + pack.chunkLength(frame) + " its index says");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (stored) {
            if (content != null) {
                content.close();
            }
        }
    }

    /** At most {@code limit} bytes of the pack's stream; closing it leaves that stream open. */
    private final class BoundedInputStream extends InputStream {

        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("damaged pack " + where + ": it ends inside chunk " + frame);
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(into, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new IOException("damaged pack " + where + ": it ends inside chunk " + frame);
            }
            left -= n;
            return n;
        }
    }
}
