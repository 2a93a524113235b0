package io.stratoflow.datastore.storage;

import java.nio.file.NoSuchFileException;

/** A key is not in the store; the message names the key and the store. */
public class MissingKeyException extends NoSuchFileException {

    private final String key;

    public MissingKeyException(String key, String store) {
        this(key, store, "key " + key);
    }

    /** @param what how to name what is missing, e.g. {@code "object <hash>"} */
    public MissingKeyException(String key, String store, String what) {
        super(key, null, what + " is missing from the datastore at " + store);
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String getMessage() {
        return getReason();
    }
}
