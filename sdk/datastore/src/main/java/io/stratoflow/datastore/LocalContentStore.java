package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.LocalStorage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The content store of a local datastore directory: a {@link StorageContentStore} on a
 * {@link LocalStorage}, kept for callers that name a directory.
 */
public final class LocalContentStore implements ContentStore {

    private final StorageContentStore store;

    public LocalContentStore(Path root) {
        this.store = new StorageContentStore(new LocalStorage(root));
    }

    @Override
    public String put(Content content) throws IOException {
        return store.put(content);
    }

    @Override
    public InputStream open(String hash) throws IOException {
        return store.open(hash);
    }

    @Override
    public boolean contains(String hash) {
        return store.contains(hash);
    }
}
