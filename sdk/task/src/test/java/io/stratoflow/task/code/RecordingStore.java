package io.stratoflow.task.code;

import io.stratoflow.datastore.ContentStore;
import io.stratoflow.datastore.LocalContentStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A local content store that records what is put and opened, and can be made to lie. */
final class RecordingStore implements ContentStore {

    final LocalContentStore delegate;
    final List<String> puts = new ArrayList<>();
    final List<String> opens = new ArrayList<>();
    private final Map<String, byte[]> tampered = new HashMap<>();

    RecordingStore(Path root) {
        this.delegate = new LocalContentStore(root);
    }

    /** From now on, opening this object gives these bytes instead. */
    void tamper(String hash, byte[] bytes) {
        tampered.put(hash, bytes);
    }

    @Override
    public String put(Content content) throws IOException {
        String hash = delegate.put(content);
        puts.add(hash);
        return hash;
    }

    @Override
    public InputStream open(String hash) throws IOException {
        opens.add(hash);
        byte[] bytes = tampered.get(hash);
        return bytes != null ? new ByteArrayInputStream(bytes) : delegate.open(hash);
    }

    @Override
    public boolean contains(String hash) {
        return delegate.contains(hash);
    }

    @Override
    public String toString() {
        return "test-store";
    }
}
