package io.stratoflow.datastore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Bytes addressed by their SHA-256: identical content is stored once. Writing and reading
 * stream, so no object is limited by the size of a Java array.
 */
public interface ContentStore {

    /** Produces the content to store. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Stores the content unless it is already there; returns its hash. */
    String put(Content content) throws IOException;

    /** Opens stored content, decompressed. */
    InputStream open(String hash) throws IOException;

    boolean contains(String hash);
}
