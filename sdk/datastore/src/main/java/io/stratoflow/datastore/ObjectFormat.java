package io.stratoflow.datastore;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How a content object is laid out in storage.
 *
 * <p>Objects written before this format are one zlib stream (deflate); zlib's first byte is
 * always {@code 0x78}, so they are recognised and still read. Newer objects start with a
 * five-byte header, {@code 'S' 'F' 'O' 1} and a kind:
 * <ul>
 * <li>{@code R}: the content as is. Chosen when deflate would not save at least 1/32 of it
 *     (pseudo-random, already compressed or encrypted data): compressing it costs time and
 *     saves nothing.</li>
 * <li>{@code Z}: one zlib stream of the content (deflate, fastest level).</li>
 * <li>{@code M}: a manifest of a large object: its length (8 bytes), the chunk size (4), the
 *     number of chunks (4), then each chunk's SHA-256 (32 bytes each). Every chunk is itself
 *     an {@code R} or {@code Z} object at its own hash, so chunks shared between objects are
 *     stored once, and chunks are compressed, uploaded and downloaded in parallel.</li>
 * </ul>
 * The key of every object stays the SHA-256 of its whole uncompressed content.
 */
final class ObjectFormat {

    static final int HEADER = 5;
    static final byte RAW = 'R';
    static final byte DEFLATE = 'Z';
    static final byte MANIFEST = 'M';
    static final int HASH_BYTES = 32;
    private static final byte[] MAGIC = {'S', 'F', 'O', 1};
    private static final int LEGACY_ZLIB = 0x78;
    private static final int SAMPLE = 64 * 1024;

    private ObjectFormat() {
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
     * compresses them into {@code scratch} (returned, header included, length in {@code
     * encodedLength[0]}) or, when that would not pay, writes the raw header into the HEADER
     * bytes reserved in front of the data and returns {@code data} itself: no copy.
     *
     * @param scratches gives a buffer of at least the requested size, asked only when compressing
     */
    static byte[] encode(byte[] data, int length, java.util.function.IntFunction<byte[]> scratches, Deflater deflater, int[] encodedLength) {
        int limit = length - length / 32;
        if (length > SAMPLE && !worthCompressing(data, deflater)) {
            limit = 0;
        }
        if (limit > 0) {
            byte[] scratch = scratches.apply(HEADER + length);
            deflater.reset();
            deflater.setInput(data, HEADER, length);
            deflater.finish();
            int written = 0;
            while (!deflater.finished() && written < limit) {
                written += deflater.deflate(scratch, HEADER + written, limit - written);
            }
            if (deflater.finished()) {
                writeHeader(scratch, 0, DEFLATE);
                encodedLength[0] = HEADER + written;
                return scratch;
            }
        }
        writeHeader(data, 0, RAW);
        encodedLength[0] = HEADER + length;
        return data;
    }

    /** Deflates a sample from the start; incompressible data (pseudo-random, compressed) is caught here cheaply. */
    private static boolean worthCompressing(byte[] data, Deflater deflater) {
        byte[] scratch = new byte[SAMPLE];
        deflater.reset();
        deflater.setInput(data, HEADER, SAMPLE);
        deflater.finish();
        int limit = SAMPLE - SAMPLE / 10;
        int written = 0;
        while (!deflater.finished() && written < limit) {
            written += deflater.deflate(scratch, written, limit - written);
        }
        return deflater.finished();
    }

    static Deflater newDeflater() {
        return new Deflater(Deflater.BEST_SPEED);
    }

    /** What a stored object starts with. */
    record Opened(byte kind, InputStream body) {
    }

    /** Reads the header of a stored object; {@code body} is positioned after it. */
    static Opened open(InputStream stored) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored, 64 * 1024);
        in.mark(HEADER);
        int first = in.read();
        if (first == LEGACY_ZLIB) {
            in.reset();
            return new Opened(DEFLATE, in);
        }
        byte[] header = new byte[HEADER];
        header[0] = (byte) first;
        if (first < 0 || in.readNBytes(header, 1, HEADER - 1) != HEADER - 1) {
            throw new EOFException("truncated object: no header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                throw new IOException("not a Stratoflow object (unknown header)");
            }
        }
        byte kind = header[MAGIC.length];
        if (kind != RAW && kind != DEFLATE && kind != MANIFEST) {
            throw new IOException("unknown object kind '" + (char) kind + "'; it may have been written by a newer Stratoflow");
        }
        return new Opened(kind, in);
    }

    /** The content of an R or Z object as a stream. */
    static InputStream content(Opened opened) {
        if (opened.kind() == RAW) {
            return opened.body();
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

    /** A manifest read whole: the chunks' hashes, hex. */
    record Manifest(long length, int chunkSize, String[] chunks) {

        static Manifest read(InputStream body) throws IOException {
            DataInputStream in = new DataInputStream(body);
            long length = in.readLong();
            int chunkSize = in.readInt();
            int count = in.readInt();
            String[] chunks = new String[count];
            byte[] hash = new byte[HASH_BYTES];
            for (int i = 0; i < count; i++) {
                in.readFully(hash);
                chunks[i] = java.util.HexFormat.of().formatHex(hash);
            }
            return new Manifest(length, chunkSize, chunks);
        }
    }
}
