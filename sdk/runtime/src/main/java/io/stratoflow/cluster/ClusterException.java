package io.stratoflow.cluster;

/** Something about the cluster keeps a command from going on; the message says what and what to do. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
