package io.stratoflow.cli;

import io.stratoflow.datastore.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A storage that counts the listings and records the reads it passes on, and can be made unreachable. */
final class CountingStorage implements Storage {

    private final Storage storage;
    private final List<String> reads = new ArrayList<>();
    private int listings;
    private boolean unreachable;

    CountingStorage(Storage storage) {
        this.storage = storage;
    }

    /** Listings of any kind since the last reset. */
    synchronized int listings() {
        return listings;
    }

    /** Keys read since the last reset, each with the offset it was read from: {@code key@offset}. */
    synchronized List<String> reads() {
        return List.copyOf(reads);
    }

    synchronized void reset() {
        listings = 0;
        reads.clear();
    }

    synchronized void unreachable(boolean unreachable) {
        this.unreachable = unreachable;
    }

    private synchronized void use() throws IOException {
        if (unreachable) {
            throw new IOException("Connection refused: s3.example:9000");
        }
    }

    @Override
    public synchronized List<Entry> list(String prefix) throws IOException {
        use();
        listings++;
        return storage.list(prefix);
    }

    @Override
    public synchronized List<SizedKey> listRecursively(String prefix) throws IOException {
        use();
        listings++;
        return storage.listRecursively(prefix);
    }

    @Override
    public synchronized InputStream read(String key) throws IOException {
        use();
        reads.add(key + "@0");
        return storage.read(key);
    }

    @Override
    public synchronized InputStream read(String key, long offset) throws IOException {
        use();
        reads.add(key + "@" + offset);
        return storage.read(key, offset);
    }

    @Override
    public void write(String key, Writer writer) throws IOException {
        storage.write(key, writer);
    }

    @Override
    public boolean createExclusively(String key, byte[] bytes) throws IOException {
        return storage.createExclusively(key, bytes);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return storage.exists(key);
    }

    @Override
    public void copy(String fromKey, String toKey) throws IOException {
        storage.copy(fromKey, toKey);
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.empty(); // as on S3: readers go through read()
    }

    @Override
    public String describe() {
        return "s3://bucket/prefix";
    }
}
