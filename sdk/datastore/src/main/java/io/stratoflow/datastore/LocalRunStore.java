package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.LocalStorage;

import java.nio.file.Path;

/** The run store of a local datastore directory, kept for callers that name a directory. */
public final class LocalRunStore extends RunStore {

    public LocalRunStore(Path root) {
        super(new LocalStorage(root));
    }

    LocalRunStore(LocalStorage storage) {
        super(storage);
    }
}
