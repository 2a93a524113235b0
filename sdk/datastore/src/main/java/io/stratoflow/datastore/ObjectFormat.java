package io.stratoflow.datastore;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How a content object is laid out in storage: a five-byte header, {@code 'S' 'F' 'O' 1} and a
 * kind, then the body:
 * <ul>
 * <li>{@code R}: the content as is. Chosen when compressing would not save at least 1/32 of it
 *     (pseudo-random, already compressed or encrypted data), which a 64 KiB sample shows
 *     cheaply: compressing such data costs time and saves nothing.</li>
 * <li>{@code S}: one zstd frame of the content (level 1). zstd compresses about 14 times and
 *     decompresses about 6 times faster than deflate, at a better ratio, so compression stops
 *     being what limits the throughput of large artifacts.</li>
 * <li>{@code Z}: one zlib stream (deflate, fastest level); written only where zstd's native
 *     library cannot be loaded.</li>
 * <li>{@code P}: the index of a large object, whose chunks are stored one after the other in
 *     a single pack (see {@link Pack}): its length (8 bytes), the chunk size (4), the pack's
 *     key (modified UTF-8), the number of chunks (4), then each chunk's stored length (4 bytes
 *     each). In the pack every chunk is a frame, itself an {@code R}, {@code S} or {@code Z}
 *     object: chunks are compressed in parallel, uploaded as one multipart upload and read back
 *     with one request, as a careful user of S3 would move a large file.</li>
 * </ul>
 * The key of every object stays the SHA-256 of its whole uncompressed content.
 */
final class ObjectFormat {

    static final int HEADER = 5;
    static final byte RAW = 'R';
    static final byte ZSTD = 'S';
    static final byte DEFLATE = 'Z';
    static final byte PACK = 'P';
    private static final byte[] MAGIC = {'S', 'F', 'O', 1};
    private static final int SAMPLE = 64 * 1024;
    private static final int ZSTD_LEVEL = 1;
    private static final Throwable ZSTD_MISSING = loadZstd();

    private ObjectFormat() {
    }

    private static Throwable loadZstd() {
        try {
            Zstd.compressBound(1);
            return null;
        } catch (Throwable e) { // UnsatisfiedLinkError, or a platform without a bundled library
            return e;
        }
    }

    static void writeHeader(byte[] into, int offset, byte kind) {
        System.arraycopy(MAGIC, 0, into, offset, MAGIC.length);
        into[offset + MAGIC.length] = kind;
    }

    static byte[] header(byte kind) {
        byte[] header = new byte[HEADER];
        writeHeader(header, 0, kind);
        return header;
    }

    /**
     * Encodes {@code length} bytes that sit at {@code data[HEADER…]} into a stored object. Either
     * compresses them into a buffer from {@code scratches} (returned, header included, length in
     * {@code encodedLength[0]}) or, when that would not pay, writes the raw header into the
     * HEADER bytes reserved in front of the data and returns {@code data} itself: no copy.
     *
     * @param scratches gives a buffer of at least the requested size, asked only when compressing
     */
    static byte[] encode(byte[] data, int length, IntFunction<byte[]> scratches, int[] encodedLength) {
        int limit = length - length / 32;
        if (length > SAMPLE && !worthCompressing(data)) {
            limit = 0;
        }
        if (limit > 0) {
            byte[] scratch = scratches.apply(HEADER + length);
            int written = ZSTD_MISSING == null ? zstd(data, length, scratch, limit) : deflate(data, length, scratch, limit);
            if (written >= 0) {
                writeHeader(scratch, 0, ZSTD_MISSING == null ? ZSTD : DEFLATE);
                encodedLength[0] = HEADER + written;
                return scratch;
            }
        }
        writeHeader(data, 0, RAW);
        encodedLength[0] = HEADER + length;
        return data;
    }

    /** Compresses a sample from the start; incompressible data (pseudo-random, compressed) is caught here cheaply. */
    private static boolean worthCompressing(byte[] data) {
        byte[] scratch = new byte[SAMPLE];
        int limit = SAMPLE - SAMPLE / 10;
        return (ZSTD_MISSING == null ? zstd(data, SAMPLE, scratch, limit) : deflate(data, SAMPLE, scratch, limit)) >= 0;
    }

    /** Compressed size, or -1 when it would exceed {@code limit}. */
    private static int zstd(byte[] data, int length, byte[] into, int limit) {
        try {
            long written = Zstd.compressByteArray(into, HEADER, Math.min(limit, into.length - HEADER), data, HEADER, length, ZSTD_LEVEL);
            return Zstd.isError(written) ? -1 : (int) written;
        } catch (ZstdException tooBig) { // "Destination buffer is too small": it would not pay
            return -1;
        }
    }

    private static int deflate(byte[] data, int length, byte[] into, int limit) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(data, HEADER, length);
            deflater.finish();
            int room = Math.min(limit, into.length - HEADER);
            int written = 0;
            while (!deflater.finished() && written < room) {
                written += deflater.deflate(into, HEADER + written, room - written);
            }
            return deflater.finished() ? written : -1;
        } finally {
            deflater.end();
        }
    }

    /** What a stored object starts with. */
    record Opened(byte kind, InputStream body) {
    }

    /** Reads the header of a stored object; {@code body} is positioned after it. */
    static Opened open(InputStream stored) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored, 64 * 1024);
        byte[] header = new byte[HEADER];
        if (in.readNBytes(header, 0, HEADER) != HEADER) {
            in.close();
            throw new EOFException("truncated object: no header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                in.close();
                throw new IOException("not a Stratoflow object (unknown header)");
            }
        }
        byte kind = header[MAGIC.length];
        if (kind != RAW && kind != ZSTD && kind != DEFLATE && kind != PACK) {
            in.close();
            throw new IOException("unknown object kind '" + (char) kind + "'; it may have been written by a newer Stratoflow");
        }
        return new Opened(kind, in);
    }

    /**
     * Reads the header of a frame in a pack without buffering past it: {@code body} is
     * {@code frame} itself, positioned at the content.
     */
    static Opened openFrame(InputStream frame, String where) throws IOException {
        byte[] header = frame.readNBytes(HEADER);
        if (header.length != HEADER || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("damaged pack " + where + ": a frame does not start with a Stratoflow header");
        }
        byte kind = header[MAGIC.length];
        if (kind != RAW && kind != ZSTD && kind != DEFLATE) {
            throw new IOException("damaged pack " + where + ": unknown frame kind '" + (char) kind + "'");
        }
        return new Opened(kind, frame);
    }

    /** The content of an R, S or Z object as a stream. */
    static InputStream content(Opened opened) throws IOException {
        if (opened.kind() == RAW) {
            return opened.body();
        }
        if (opened.kind() == ZSTD) {
            if (ZSTD_MISSING != null) {
                opened.body().close();
                throw new IOException("this object is compressed with zstd, whose native library cannot be loaded here: " + ZSTD_MISSING);
            }
            return new ZstdInputStreamNoFinalizer(opened.body());
        }
        Inflater inflater = new Inflater();
        return new InflaterInputStream(opened.body(), inflater, 64 * 1024) {
            @Override
            public void close() throws IOException {
                super.close();
                inflater.end();
            }
        };
    }

    /**
     * The index of a packed object: its content {@code length}, cut in chunks of {@code chunkSize}
     * (the last one shorter), stored as frames of {@code frameLengths} bytes one after the other
     * in the object at {@code key}.
     */
    record Pack(long length, int chunkSize, String key, int[] frameLengths) {

        void writeTo(OutputStream out) throws IOException {
            DataOutputStream index = new DataOutputStream(out);
            index.write(header(PACK));
            index.writeLong(length);
            index.writeInt(chunkSize);
            index.writeUTF(key);
            index.writeInt(frameLengths.length);
            for (int frameLength : frameLengths) {
                index.writeInt(frameLength);
            }
            index.flush();
        }

        static Pack read(InputStream body) throws IOException {
            DataInputStream in = new DataInputStream(body);
            long length = in.readLong();
            int chunkSize = in.readInt();
            String key = in.readUTF();
            int[] frameLengths = new int[in.readInt()];
            for (int i = 0; i < frameLengths.length; i++) {
                frameLengths[i] = in.readInt();
            }
            return new Pack(length, chunkSize, key, frameLengths);
        }

        /** The content length of chunk {@code index}: the chunk size but for the last one. */
        int chunkLength(int index) {
            return (int) Math.min(chunkSize, length - (long) index * chunkSize);
        }
    }
}
