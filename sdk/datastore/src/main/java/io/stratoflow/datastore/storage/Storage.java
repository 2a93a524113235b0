package io.stratoflow.datastore.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The storage seam of the datastore: keys to bytes, on a local directory or an S3 bucket.
 * Everything above it (the content store, run and task records, logs) sees only this
 * interface, so one layout serves both.
 *
 * <p>A key is a relative, {@code /}-separated path such as {@code flows/MyFlow/17/run.json},
 * without empty, {@code .} or {@code ..} segments. A write becomes visible only when it is
 * complete, and replaces what the key held. Reads stream: no object is limited by the size of
 * a Java array or held whole in memory.
 *
 * <p>Failures to reach or use the store (a missing bucket, refused credentials, an endpoint
 * that does not answer) are {@link io.stratoflow.datastore.DatastoreException}s whose
 * message names the store and says what to do; a key that is not there is a
 * {@link MissingKeyException}.
 */
public interface Storage {

    /** Produces the bytes of a key; the write is published only if this returns normally. */
    @FunctionalInterface
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A child of a listed prefix.
     *
     * @param name     the last segment of its key (no slash)
     * @param isPrefix true for a "directory": a prefix under which more keys exist
     */
    record Entry(String name, boolean isPrefix) {
    }

    /**
     * A key found under a prefix at any depth.
     *
     * @param key  the key relative to the listed prefix, e.g. {@code train/3/attempt-0.stdout.log}
     * @param size its length in bytes
     */
    record SizedKey(String key, long size) {
    }

    /**
     * Writes a key from content of unknown length. The key becomes visible atomically when
     * {@code writer} returns; if it throws, nothing is published.
     */
    void write(String key, Writer writer) throws IOException;

    /** Writes a key from a stream of unknown length, read to its end (not closed). */
    default void write(String key, InputStream content) throws IOException {
        write(key, out -> content.transferTo(out));
    }

    /** Writes a key whose bytes are already in memory (records, chunks): one request, no copy. */
    default void writeBytes(String key, byte[] bytes, int offset, int length) throws IOException {
        write(key, out -> out.write(bytes, offset, length));
    }

    /**
     * Writes a small key only if it does not exist yet, atomically: of two writers racing for
     * the same key, exactly one gets true. Used to claim names, such as a new run's id.
     */
    boolean createExclusively(String key, byte[] bytes) throws IOException;

    /** Opens a key for streaming. */
    InputStream read(String key) throws MissingKeyException, IOException;

    /** Whether the key holds an object (a prefix with keys under it does not count). */
    boolean exists(String key) throws IOException;

    /**
     * The children of a prefix, like a directory listing: {@code list("flows/F")} gives the
     * runs of flow F as prefixes, and any key directly under it. The prefix may end with a
     * slash or not; the empty prefix lists the top level. Unordered; empty when nothing is there.
     */
    List<Entry> list(String prefix) throws IOException;

    /**
     * Every key under a prefix, at any depth, with its size: what changed under a prefix is
     * found with one listing (on S3, one request per 1,000 keys) instead of a request per key.
     * Unordered; empty when nothing is there.
     */
    List<SizedKey> listRecursively(String prefix) throws IOException;

    /**
     * Opens a key from a byte offset to its end, so that a reader of a growing object fetches only
     * what was added. An offset at or past the end gives an empty stream.
     */
    default InputStream read(String key, long offset) throws MissingKeyException, IOException {
        InputStream in = read(key);
        try {
            in.skipNBytes(offset);
        } catch (java.io.EOFException shorter) {
            // fewer bytes than the offset: nothing new
        }
        return in;
    }

    /** Copies a key to another key of the same store. */
    void copy(String fromKey, String toKey) throws MissingKeyException, IOException;

    /** Deletes a key; deleting a missing key is not an error. Optional: a store may refuse. */
    default void delete(String key) throws IOException {
        throw new UnsupportedOperationException(describe() + " does not delete keys");
    }

    /**
     * The local file behind a key, for stores that are a local directory: a local worker
     * redirects a process's output straight into it, the CLI tails it. Empty for remote stores,
     * where a finished log is stored with {@link #write(String, InputStream)} and read with
     * {@link #read(String)}.
     */
    Optional<Path> localFile(String key);

    /** For messages: where this store is, e.g. a directory or {@code s3://bucket/prefix (endpoint …)}. */
    String describe();

    /** Checks a key's syntax; every store rejects the same keys. */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
            throw new IllegalArgumentException("not a storage key: '" + key + "' (a relative path such as flows/F/1/run.json)");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a storage key: '" + key + "' (empty, '.' or '..' segment)");
            }
        }
        return key;
    }

    /** A listing prefix without its trailing slash, checked like a key; "" for the top level. */
    static String checkPrefix(String prefix) {
        String trimmed = prefix == null ? "" : prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return trimmed.isEmpty() ? "" : checkKey(trimmed);
    }
}
