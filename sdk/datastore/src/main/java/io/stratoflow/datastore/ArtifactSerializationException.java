package io.stratoflow.datastore;

/** An artifact could not be stored or read back; the message names the artifact and its type. */
public class ArtifactSerializationException extends RuntimeException {

    public ArtifactSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
