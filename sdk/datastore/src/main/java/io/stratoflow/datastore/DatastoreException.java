package io.stratoflow.datastore;

/** The datastore cannot be read or written; the message says where and what to do. */
public class DatastoreException extends RuntimeException {

    public DatastoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
